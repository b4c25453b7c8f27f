//! `cargo operator manifests`: CRD YAML from the API types, the ClusterRole from `#[rbac]`.

use crate::manifests::{cel, crd, rbac, structural, yaml};
use crate::project::Workspace;
use crate::scaffold::{Existing, Plan};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator manifests              # writes config/crd/bases/*.yaml and config/rbac/role.yaml
  cargo operator manifests --dry-run    # shows which files would change")]
pub struct ManifestsArgs {
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: ManifestsArgs) -> Result<()> {
    let Workspace { root, project } = Workspace::discover(&std::env::current_dir()?)?;
    // Everything is computed before anything is written: a compile error or a bad #[rbac]
    // leaves the previous manifests in place.
    let crds = crd::merge(crd::generate(
        &root,
        &format!("{}-api", project.project_name),
    )?)?;
    // A schema the API server would reject, or a CEL rule that does not parse, fails here.
    for crd in &crds {
        structural::check_crd(crd)?;
        cel::check_crd(crd)?;
    }
    let rules = rbac::scan(&root.join("src"))?;

    let mut plan = Plan::new(&root);
    for crd in &crds {
        let file = format!("config/crd/bases/{}", crd::file_name(crd));
        plan.create(file, yaml::document(crd)?, Existing::Regenerate);
    }
    plan.create(
        "config/rbac/role.yaml",
        yaml::document(&rbac::cluster_role(&rules))?,
        Existing::Regenerate,
    );
    let report = plan.apply(false, args.dry_run)?;
    report.print(args.dry_run);
    Ok(())
}
