//! The files of `create webhook`: a defaulter and a validator for one version of a kind, in
//! `src/webhook/`, registered with the Manager; a conversion between the hub and each spoke,
//! in the api crate (where the orphan rule lets `From` be implemented between two of its
//! types); and, with the first webhook of the project, the webhook Service, cert-manager's
//! certificate and the kustomize wiring that injects its CA.

use anyhow::Result;
use cargo_operator_core::webhook::{self, Webhook};

use super::Plan;
use super::builder::{Generated, Insert, TemplateFile};
use super::vars::{ResourceVars, WebhookVars};
use crate::manifests::yaml;
use crate::project::Project;

/// Where the webhook configurations are written.
pub const MANIFESTS: &str = "config/webhook/manifests.yaml";

fn file<'a>(vars: &'a WebhookVars, template: &str) -> TemplateFile<'a, WebhookVars> {
    TemplateFile::new("webhook", template, vars).placeholders(vars.placeholders())
}

/// What the project gets with its first webhook; planned with every webhook, and a no-op
/// once there (the files are kept, the inserts are not repeated).
fn plan_shared(plan: &mut Plan, vars: &WebhookVars) -> Result<()> {
    for template in [
        "config/webhook/kustomization.yaml",
        "config/webhook/service.yaml",
        "config/certmanager/kustomization.yaml",
        "config/certmanager/issuer.yaml",
        "config/certmanager/certificate-webhook.yaml",
        "config/certmanager/kustomizeconfig.yaml",
        "config/default/manager_webhook_patch.yaml",
        "config/network-policy/allow-webhook-traffic.yaml",
    ] {
        plan.file(&file(vars, template).keep())?;
    }
    let kustomization = "config/default/kustomization.yaml";
    plan.insert(Insert::new(
        kustomization,
        "webhook",
        "- ../webhook\n- ../certmanager",
    ));
    plan.insert(Insert::new(
        kustomization,
        "patches",
        "- path: manager_webhook_patch.yaml\n  target:\n    kind: Deployment",
    ));
    let mut replacements = String::new();
    // The webhook Service's name and namespace, after kustomize's prefix and namespace, are
    // the first two labels of the certificate's DNS names.
    for (field, index) in [("name", 0), ("namespace", 1)] {
        replacements.push_str(&format!(
            "- source:\n    kind: Service\n    version: v1\n    name: webhook-service\n    fieldPath: .metadata.{field}\n  targets:\n  - select:\n      kind: Certificate\n      group: cert-manager.io\n      version: v1\n      name: serving-cert\n    fieldPaths:\n    - .spec.dnsNames.0\n    - .spec.dnsNames.1\n    options:\n      delimiter: '.'\n      index: {index}\n      create: true\n"
        ));
    }
    for kind in [
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ] {
        replacements.push_str(&inject_ca(&format!("kind: {kind}")));
    }
    plan.insert(Insert::new(
        kustomization,
        "replacements",
        replacements.trim_end(),
    ));
    plan.insert(Insert::new(
        "config/network-policy/kustomization.yaml",
        "network-policy",
        "- allow-webhook-traffic.yaml",
    ));
    plan.insert(Insert::new("src/lib.rs", "modules", "pub mod webhook;"));
    Ok(())
}

/// cert-manager's cainjector reads `cert-manager.io/inject-ca-from: <namespace>/<name>` of
/// the certificate; two replacements write the two halves into the objects `select` picks.
fn inject_ca(select: &str) -> String {
    let mut out = String::new();
    for (field, index) in [("namespace", 0), ("name", 1)] {
        out.push_str(&format!(
            "- source:\n    kind: Certificate\n    group: cert-manager.io\n    version: v1\n    name: serving-cert\n    fieldPath: .metadata.{field}\n  targets:\n  - select:\n      {select}\n    fieldPaths:\n    - .metadata.annotations.[cert-manager.io/inject-ca-from]\n    options:\n      delimiter: '/'\n      index: {index}\n      create: true\n"
        ));
    }
    out
}

/// Registers a webhook with the Manager, in `src/main.rs` and, the same way, in the Manager
/// of `tests/webhook.rs` (created with the first webhook).
fn register(plan: &mut Plan, vars: &WebhookVars, call: String) -> Result<()> {
    plan.insert(Insert::new("src/main.rs", "webhooks", call.clone()));
    plan.create_or_insert(
        &file(vars, "tests/webhook.rs"),
        Insert::new("", "webhooks", call),
    )
}

/// A defaulting and/or validating webhook for one version of a kind.
pub fn plan_admission(
    plan: &mut Plan,
    vars: &WebhookVars,
    defaulting: bool,
    validation: bool,
) -> Result<()> {
    plan_shared(plan, vars)?;
    let r = &vars.resource;
    for (wanted, role) in [(defaulting, "defaulter"), (validation, "validator")] {
        if !wanted {
            continue;
        }
        let module = format!("{}_{}_{role}", r.kind_id, r.version);
        plan.file(&file(
            vars,
            &format!("src/webhook/{{kind_id}}_{{version}}_{role}.rs"),
        ))?;
        plan.create_or_insert(
            &file(vars, "src/webhook/mod.rs"),
            Insert::new("", "webhook-modules", format!("pub mod {module};")).sorted(),
        )?;
        register(
            plan,
            vars,
            format!(
                "manager.add_webhook({}::webhook::{module}::webhook());",
                r.project.project_crate
            ),
        )?;
        let kind = format!("api::{}::{}::{}", r.group_module, r.version, r.kind);
        let test = if role == "defaulter" {
            format!(
                "is_defaulted({kind}::new(\"defaulted\", Default::default()), |stored| stored[\"spec\"][\"replicas\"] == 1).await;"
            )
        } else {
            format!(
                "let spec = {kind}Spec {{ replicas: Some(0) }};\n    is_refused({kind}::new(\"refused\", spec), \"must be at least 1\").await;"
            )
        };
        plan.insert(Insert::new(
            "tests/webhook.rs",
            "webhook-tests",
            format!(
                "\n/// The API server calls the {role} of {} {}.\n\
                 #[tokio::test(flavor = \"multi_thread\", worker_threads = 2)]\n\
                 async fn {module}_is_called_by_the_api_server() {{\n    {test}\n}}",
                r.kind, r.version
            ),
        ));
    }
    Ok(())
}

/// A conversion webhook for a kind: `From` both ways between the hub (`vars`' version) and
/// each spoke, registered with the Manager; the CRD converts through the webhook (its
/// `spec.conversion` comes from `manifests`; the name prefix and CA reach it here).
pub fn plan_conversion(plan: &mut Plan, vars: &WebhookVars) -> Result<()> {
    plan_shared(plan, vars)?;
    let r = &vars.resource;
    plan.file(&file(vars, "src/webhook/{kind_id}_conversion.rs"))?;
    let module = format!("{}_conversion", r.kind_id);
    plan.create_or_insert(
        &file(vars, "src/webhook/mod.rs"),
        Insert::new("", "webhook-modules", format!("pub mod {module};")).sorted(),
    )?;
    register(
        plan,
        vars,
        format!(
            "manager.add_conversion({}::webhook::{module}::conversion());",
            r.project.project_crate
        ),
    )?;
    plan.insert(Insert::new(
        "tests/webhook.rs",
        "converted-crds",
        format!("\"{}.{}\",", r.plural, r.api_group),
    ));
    for spoke in &vars.spokes {
        let (hub, spoke_kind) = (
            format!("api::{}::{}::{}", r.group_module, r.version, r.kind),
            format!("api::{}::{spoke}::{}", r.group_module, r.kind),
        );
        plan.insert(Insert::new(
            "tests/webhook.rs",
            "webhook-tests",
            format!(
                "\n/// A {kind} written at {spoke} reads the same at {hub_version}: the API server calls the conversion webhook.\n\
                 #[tokio::test(flavor = \"multi_thread\", worker_threads = 2)]\n\
                 async fn {kind_id}_{spoke}_converts_through_the_hub() {{\n    \
                     let spec = {spoke_kind}Spec {{ replicas: Some(2) }};\n    \
                     converts::<_, {hub}>({spoke_kind}::new(\"converted\", spec)).await;\n\
                 }}",
                kind = r.kind,
                hub_version = r.version,
                kind_id = r.kind_id,
            ),
        ));
    }
    for spoke in &vars.spokes {
        let spoke_vars = vars.for_spoke(spoke);
        plan.file(&file(
            &spoke_vars,
            "api/src/{group}/{spoke}/{kind}_conversion.rs",
        ))?;
        plan.insert(Insert::new(
            format!("api/src/{}/{spoke}/mod.rs", r.group_module),
            "kinds",
            format!("mod {}_conversion;", r.kind_snake),
        ));
    }
    plan.file(&file(vars, "config/crd/kustomizeconfig.yaml").keep())?;
    plan.insert(Insert::new(
        "config/crd/kustomization.yaml",
        "crd-configurations",
        "configurations:\n- kustomizeconfig.yaml",
    ));
    plan.insert(Insert::new(
        "config/default/kustomization.yaml",
        "replacements",
        inject_ca(&format!(
            "kind: CustomResourceDefinition\n      name: {}.{}",
            r.plural, r.api_group
        ))
        .trim_end(),
    ));
    Ok(())
}

/// `config/webhook/manifests.yaml`: the MutatingWebhookConfiguration and the
/// ValidatingWebhookConfiguration of `webhooks`, as controller-gen writes them. With none, a
/// comment only, so that the kustomization listing the file still renders.
pub fn manifests_file(webhooks: &[Webhook]) -> Result<Generated> {
    let mut content = String::new();
    for configuration in webhook::configurations(webhooks) {
        content.push_str(&yaml::document(&configuration)?);
    }
    if content.is_empty() {
        content
            .push_str("# No admission webhooks: `cargo operator manifests` found no #[webhook].\n");
    }
    Ok(Generated {
        path: MANIFESTS.into(),
        content,
    })
}

/// The admission webhooks that `create webhook` scaffolded, as their `#[webhook]` attributes
/// declare them: what `config/webhook/manifests.yaml` holds from `create webhook` on, so the
/// tree renders before the first `manifests` (which then reads the compiled program and
/// writes the same, unless the attributes were edited).
pub fn scaffolded(project: &Project) -> Vec<Webhook> {
    let mut out = Vec::new();
    for resource in &project.resources {
        let vars = WebhookVars::new(ResourceVars::new(project, resource, false), Vec::new());
        if resource.webhooks.defaulting {
            out.push(vars.admission(true));
        }
        if resource.webhooks.validation {
            out.push(vars.admission(false));
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}
