//! `cargo operator manifests`: CRD YAML from the API types, the manager's ClusterRole from the
//! `#[rbac]` rules compiled into the operator.

use anyhow::Result;
use cargo_operator_core::{crd, rbac};

use crate::fs::Disk;
use crate::manifests::{self, build, yaml};
use crate::project::Workspace;
use crate::scaffold::builder::Generated;
use crate::scaffold::{Plan, api};
use crate::workspace;

#[derive(Debug, Clone, Default)]
pub struct ManifestsOptions {
    pub dry_run: bool,
}

pub fn manifests(options: &ManifestsOptions) -> Result<()> {
    let Workspace { root, .. } = Workspace::discover(&std::env::current_dir()?)?;
    // Everything is computed before anything is written: a compile error or a schema the API
    // server would reject leaves the previous manifests in place.
    let layout = workspace::layout(&root)?;
    let programs = build::build(&root, &layout)?;
    let crds = crd::merge_versions(build::crds(&programs)?).map_err(anyhow::Error::msg)?;
    for crd in &crds {
        manifests::check_crd(crd)?;
    }
    let rules = build::rbac_rules(&programs)?;

    let mut plan = Plan::new();
    let files: Vec<String> = crds.iter().map(crd::file_name).collect();
    for (crd, file) in crds.iter().zip(&files) {
        plan.file(&Generated {
            path: format!("config/crd/bases/{file}").into(),
            content: yaml::document(crd)?,
        })?;
    }
    api::plan_crd_entries(&mut plan, &files);
    plan.file(&Generated {
        path: "config/rbac/role.yaml".into(),
        content: yaml::document(&rbac::cluster_role(rbac::MANAGER_ROLE, &rules))?,
    })?;
    super::write(plan, &mut Disk::new(&root), false, options.dry_run)?;
    Ok(())
}
