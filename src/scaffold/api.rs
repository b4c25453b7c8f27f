//! The files of `create api`: the API type and its module declarations, a sample, the
//! per-kind user roles; and, with a controller, the reconciler, its registration in `main`
//! and its envtest test. (The CRD's kustomize entry comes with the CRD, from `manifests`.)

use anyhow::Result;

use super::Plan;
use super::builder::{Insert, TemplateFile};
use super::vars::ResourceVars;

fn file<'a>(vars: &'a ResourceVars, template: &str) -> TemplateFile<'a, ResourceVars> {
    TemplateFile::new("api", template, vars).placeholders(vars.placeholders())
}

/// The API type of one resource and everything that refers to it.
pub fn plan_resource(plan: &mut Plan, vars: &ResourceVars) -> Result<()> {
    let (group, version, kind) = (&vars.group_module, &vars.version, &vars.kind_snake);
    plan.file(&file(vars, "api/src/{group}/{version}/{kind}.rs"))?;
    plan.create_or_insert(
        &file(vars, "api/src/{group}/mod.rs"),
        Insert::new("", "versions", format!("pub mod {version};")).sorted(),
    )?;
    plan.create_or_insert(
        &file(vars, "api/src/{group}/{version}/mod.rs"),
        Insert::new("", "kinds", format!("mod {kind};\npub use {kind}::*;")),
    )?;
    plan.insert(Insert::new("api/src/lib.rs", "groups", format!("pub mod {group};")).sorted());
    plan.insert(Insert::new(
        "api/src/lib.rs",
        "crds",
        format!(
            "<{group}::{version}::{} as cargo_operator_runtime::CustomResourceExt>::crd(),",
            vars.kind
        ),
    ));

    let sample = file(vars, "config/samples/{group}_{version}_{kind}.yaml");
    plan.insert(Insert::new(
        "config/samples/kustomization.yaml",
        "samples",
        format!("- {}", file_name(&sample)),
    ));
    plan.file(&sample)?;
    for role in ["admin", "editor", "viewer"] {
        let role = file(vars, &format!("config/rbac/{{kind_id}}_{role}_role.yaml"));
        plan.insert(Insert::new(
            "config/rbac/kustomization.yaml",
            "rbac-kinds",
            format!("- {}", file_name(&role)),
        ));
        plan.file(&role)?;
    }
    Ok(())
}

/// The reconciler of one resource, its registration and its envtest test.
pub fn plan_controller(plan: &mut Plan, vars: &ResourceVars) -> Result<()> {
    let (kind_id, kind) = (&vars.kind_id, &vars.kind);
    let reconciler = if vars.image.is_some() {
        // kubebuilder's deploy-image plugin: the image as an owned Deployment.
        TemplateFile::new("api-image", "src/controller/{kind_id}.rs", vars)
            .placeholders(vars.placeholders())
    } else {
        file(vars, "src/controller/{kind_id}.rs")
    };
    plan.file(&reconciler)?;
    plan.insert(
        Insert::new(
            "src/controller/mod.rs",
            "controller-modules",
            format!("pub mod {kind_id};"),
        )
        .sorted(),
    );
    plan.insert(Insert::new(
        "src/main.rs",
        "controllers",
        format!(
            "manager.add_controller({}::controller::{kind_id}::controller());",
            vars.project.project_crate
        ),
    ));
    let path = format!("{}::{}::{kind}", vars.group_module, vars.version);
    let test = if vars.image.is_some() {
        format!(
            "\n/// A {kind} runs its image as a Deployment it owns, deleted with it.\n\
             #[tokio::test]\n\
             async fn {kind_id}_runs_its_image() {{\n    \
                 let spec = api::{path}Spec {{ replicas: Some(1), container_port: None }};\n    \
                 runs_its_image(api::{path}::new(\"test\", spec), controller::{kind_id}::NAME, controller::{kind_id}::reconcile).await;\n\
             }}"
        )
    } else {
        format!(
            "\n/// A {kind} is reconciled to Ready=True once what it owns exists.\n\
             #[tokio::test]\n\
             async fn {kind_id}_reconciles_to_ready() {{\n    \
                 let spec = api::{path}Spec {{ replicas: Some(1) }};\n    \
                 reconciles_to_ready(api::{path}::new(\"test\", spec), controller::{kind_id}::NAME, controller::{kind_id}::reconcile).await;\n\
             }}"
        )
    };
    plan.insert(Insert::new("tests/controller.rs", "controller-tests", test));
    Ok(())
}

fn file_name(file: &TemplateFile<'_, ResourceVars>) -> String {
    use super::builder::FileBuilder;
    file.path()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The kustomize entries of CRD files that `manifests` writes: each listed in
/// config/crd/kustomization.yaml, and config/crd in config/default once there is one, so that
/// the tree renders before the first CRD exists and includes every CRD after.
pub fn plan_crd_entries(plan: &mut Plan, files: &[String]) {
    if files.is_empty() {
        return;
    }
    plan.insert(Insert::new(
        "config/default/kustomization.yaml",
        "crd",
        "- ../crd",
    ));
    for file in files {
        plan.insert(Insert::new(
            "config/crd/kustomization.yaml",
            "crdkustomizeresource",
            format!("- bases/{file}"),
        ));
    }
}
