//! The spine, end to end, as a user runs it: `init`, `create api` for two kinds in two groups
//! (one namespaced, one cluster-scoped), webhooks, `manifests`; then the generated project must
//! render with `kubectl kustomize config/default`, and its CRDs must be structural and accept
//! its samples. (That it builds, tests and lints after each command: `lifecycle.rs`.)

mod support;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use support::*;

/// The project is generated once and shared by the tests of this file.
fn project() -> &'static Path {
    static PROJECT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = PROJECT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("guestbook-operator");
        scaffold_reference_project(&project, repo_root().to_str().unwrap());
        (dir, project)
    });
    path
}

fn crd(file: &str) -> (CustomResourceDefinition, serde_json::Value) {
    let text = std::fs::read_to_string(project().join("config/crd/bases").join(file)).unwrap();
    let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    (serde_json::from_value(value.clone()).unwrap(), value)
}

#[test]
fn generated_config_renders_with_kustomize() {
    // kubectl is part of the CI image: a missing kubectl is a failure, never a skip.
    let rendered = run_ok(
        std::process::Command::new("kubectl")
            .args(["kustomize", "config/default"])
            .current_dir(project()),
    );
    for expected in [
        "kind: CustomResourceDefinition",
        "name: guestbooks.webapp.example.com",
        "name: policies.infra.example.com",
        "kind: Deployment",
        "name: guestbook-operator-controller-manager",
        "namespace: guestbook-operator-system",
        "name: guestbook-operator-manager-role",
        "- guestbooks/status",
    ] {
        assert!(
            rendered.contains(expected),
            "`{expected}` missing from:\n{rendered}"
        );
    }
}

#[test]
fn crds_are_v1_structural_and_scoped_as_asked() {
    let (guestbooks, raw) = crd("webapp.example.com_guestbooks.yaml");
    assert_eq!(guestbooks.spec.scope, "Namespaced");
    assert_eq!(guestbooks.spec.names.plural, "guestbooks");
    assert_eq!(raw["apiVersion"], "apiextensions.k8s.io/v1");
    let (policies, _) = crd("infra.example.com_policies.yaml");
    assert_eq!(policies.spec.scope, "Cluster");
    assert_eq!(policies.spec.names.plural, "policies");
    for crd in [&guestbooks, &policies] {
        let version = &crd.spec.versions[0];
        assert!(version.storage && version.served);
        assert!(
            version
                .subresources
                .as_ref()
                .and_then(|s| s.status.as_ref())
                .is_some(),
            "status subresource"
        );
        let schema =
            serde_json::to_value(&version.schema.as_ref().unwrap().open_api_v3_schema).unwrap();
        let violations = structural_violations(&schema, "");
        assert!(
            violations.is_empty(),
            "{} is not structural: {violations:#?}",
            crd.spec.names.kind
        );
        assert_eq!(
            schema["properties"]["spec"]["properties"]["replicas"]["maximum"],
            100.0
        );
    }
}

/// The API server's structural-schema rules that the scaffold can break: every node has a
/// type (unless it is int-or-string or preserves unknown fields), no `$ref`, no
/// `additionalProperties` beside `properties`, metadata only restricts name/generateName.
fn structural_violations(schema: &serde_json::Value, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(node) = schema.as_object() else {
        return out;
    };
    let exempt = node.get("x-kubernetes-int-or-string") == Some(&serde_json::Value::Bool(true))
        || node.get("x-kubernetes-preserve-unknown-fields") == Some(&serde_json::Value::Bool(true));
    if !node.contains_key("type") && !exempt {
        out.push(format!("{path}: no type"));
    }
    if node.contains_key("$ref") {
        out.push(format!("{path}: $ref"));
    }
    if node.contains_key("properties") && node.contains_key("additionalProperties") {
        out.push(format!("{path}: properties and additionalProperties"));
    }
    if let Some(properties) = node.get("properties").and_then(|p| p.as_object()) {
        for (name, child) in properties {
            out.extend(structural_violations(child, &format!("{path}.{name}")));
        }
    }
    for key in ["items", "additionalProperties"] {
        if let Some(child) = node.get(key).filter(|c| c.is_object()) {
            out.extend(structural_violations(child, &format!("{path}[{key}]")));
        }
    }
    out
}

#[test]
fn samples_validate_against_their_crd_schema() {
    for (crd_file, sample) in [
        (
            "webapp.example.com_guestbooks.yaml",
            "webapp_v1_guestbook.yaml",
        ),
        (
            "infra.example.com_policies.yaml",
            "infra_v1alpha1_policy.yaml",
        ),
    ] {
        let (crd, _) = crd(crd_file);
        let schema = serde_json::to_value(
            &crd.spec.versions[0]
                .schema
                .as_ref()
                .unwrap()
                .open_api_v3_schema,
        )
        .unwrap();
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&schema)
            .unwrap();
        let text = std::fs::read_to_string(project().join("config/samples").join(sample)).unwrap();
        let mut object: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert!(
            validator.is_valid(&object),
            "{sample}: {:?}",
            validator
                .iter_errors(&object)
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        );
        // The validator is not vacuous: the generated bounds reject an out-of-range value.
        object["spec"]["replicas"] = 1000.into();
        assert!(
            !validator.is_valid(&object),
            "{sample} with replicas=1000 should be rejected"
        );
    }
}

#[test]
fn role_is_generated_from_rbac_attributes() {
    let role = std::fs::read_to_string(project().join("config/rbac/role.yaml")).unwrap();
    for expected in [
        "- guestbooks\n",
        "- guestbooks/status\n",
        "- policies\n",
        "- infra.example.com\n",
        "- events.k8s.io\n",
    ] {
        assert!(
            role.contains(expected),
            "`{expected}` missing from role.yaml:\n{role}"
        );
    }
}

#[test]
fn create_api_for_an_existing_kind_fails_and_changes_nothing() {
    let project = project();
    let before = snapshot_tree(project);
    let stderr = run_err(cargo_operator(project).args([
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Guestbook",
    ]));
    assert!(
        stderr.contains("already exists") && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert!(before == snapshot_tree(project), "the project changed");
}
