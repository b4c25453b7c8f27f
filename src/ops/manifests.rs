//! `cargo operator manifests`: CRD YAML from the API types (with the conversion webhook of the
//! kinds the project file says convert), the manager's ClusterRole from the `#[rbac]` rules
//! compiled into the operator, the webhook configurations from its `#[webhook]`s.

use anyhow::Result;
use cargo_operator_core::{crd, rbac};

use crate::fs::Disk;
use crate::manifests::{self, build, yaml};
use crate::project::Workspace;
use crate::scaffold::builder::Generated;
use crate::scaffold::{Plan, api, init, webhook};
use crate::workspace;

#[derive(Debug, Clone, Default)]
pub struct ManifestsOptions {
    pub dry_run: bool,
    /// Write nothing; fail with the diff when a file is not what would be written.
    pub check: bool,
    /// Overrides the project file's `[manifests] max-description-len`.
    pub max_description_len: Option<usize>,
}

pub fn manifests(options: &ManifestsOptions) -> Result<()> {
    let Workspace { root, project } = Workspace::discover(&std::env::current_dir()?)?;
    // Everything is computed before anything is written: a compile error or a schema the API
    // server would reject leaves the previous manifests in place.
    let layout = workspace::layout(&root)?;
    let scaffolded_crdgen = init::crdgen_example(&layout.api_package.replace('-', "_"))?;
    let (crds, emitted) =
        build::crds_and_answer(&root, &layout, options.check, &scaffolded_crdgen)?;
    let build::Emitted {
        rules,
        webhooks,
        reused,
        from_source,
        answer_from_source,
    } = emitted;
    let mut crds = crd::merge_versions(crds).map_err(anyhow::Error::msg)?;
    let max_description_len = options
        .max_description_len
        .or(project.manifests.max_description_len);
    for crd in &mut crds {
        if let Some(max) = max_description_len {
            crd::limit_descriptions(crd, max);
        }
        manifests::check_crd(crd)?;
    }
    for resource in project.resources.iter().filter(|r| r.webhooks.conversion) {
        let api_group = project.api_group(resource);
        if let Some(crd) = crds.iter_mut().find(|crd| {
            crd.pointer("/spec/group").and_then(|g| g.as_str()) == Some(api_group.as_str())
                && crd.pointer("/spec/names/kind").and_then(|k| k.as_str())
                    == Some(resource.kind.as_str())
        }) {
            cargo_operator_core::webhook::set_conversion(crd);
        }
    }

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
    if !webhooks.is_empty() || project.has_webhooks() {
        plan.file(&webhook::manifests_file(&webhooks)?)?;
    }
    let mut disk = Disk::new(&root);
    if options.check {
        return check(plan, &disk);
    }
    super::write(plan, &mut disk, false, options.dry_run)?;
    if reused {
        println!(
            "  #[rbac] and #[webhook]: as recorded, the operator's code is unchanged (not relinked)"
        );
    }
    if answer_from_source {
        println!("  #[rbac] and #[webhook]: read from the operator's source (nothing compiled)");
    }
    if from_source {
        println!("  CRDs: read from the API types' source (nothing compiled)");
    }
    report_sizes(&crds, &files);
    Ok(())
}

/// `--check`: the unified diff of every file that is not what `manifests` would write.
fn check(plan: Plan, disk: &Disk) -> Result<()> {
    use crate::fs::Fs as _;
    let resolved = plan.resolve(disk, false)?;
    if resolved.writes.is_empty() {
        println!("the manifests are up to date");
        return Ok(());
    }
    for (path, new) in &resolved.writes {
        let old = disk.read(path)?.unwrap_or_default();
        let name = path.display().to_string();
        print!(
            "{}",
            similar::TextDiff::from_lines(&old, new)
                .unified_diff()
                .header(&format!("a/{name}"), &format!("b/{name}"))
        );
    }
    anyhow::bail!(
        "{} file(s) differ from what the code generates (diff above); run `cargo operator manifests` and commit the result",
        resolved.writes.len()
    )
}

/// Each CRD's size, and a warning with the fixes for one that client-side `kubectl apply`
/// cannot install.
fn report_sizes(crds: &[serde_json::Value], files: &[String]) {
    for (crd, file) in crds.iter().zip(files) {
        let bytes = serde_json::to_vec(crd).map_or(0, |json| json.len());
        println!("  {file}: {:.1} KiB", bytes as f64 / 1024.0);
        if crd::too_big_for_client_side_apply(crd) {
            eprintln!(
                "warning: CRD {} is {} KiB, over the {} KiB that client-side `kubectl apply` \
                 can store (it fails with `metadata.annotations: Too long`). The Makefile's \
                 `install` and `deploy` use server-side apply, which has no such limit; to \
                 shrink the CRD, run `cargo operator manifests --max-description-len 0` or set \
                 `max-description-len = 0` under `[manifests]` in operator.toml.",
                crd::name(crd),
                bytes / 1024,
                crd::ANNOTATIONS_LIMIT / 1024
            );
        }
    }
}
