//! `#[rbac]` rules are registered in the program that compiles them, and a program linking
//! the runtime writes them out before `main` when `cargo operator manifests` asks.

use cargo_operator_runtime::rbac;

#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]
fn reconcile() {}

struct Reconciler;

impl Reconciler {
    // On a method: the registration goes into the body, where items are allowed.
    #[rbac(groups = [""], resources = ["configmaps"], verbs = ["create", "patch"])]
    fn apply(&self) {}
}

#[rbac(urls = ["/metrics"], verbs = ["get"])]
mod metrics {}

#[test]
fn every_compiled_rule_is_registered() {
    let _ = (reconcile, Reconciler.apply());
    let rules = cargo_operator_runtime::registered_rbac_rules();
    let resources: Vec<_> = rules
        .iter()
        .flat_map(|r| r.resources.iter().chain(&r.urls).cloned())
        .collect();
    assert_eq!(resources.len(), 3, "{rules:#?}");
    for expected in ["guestbooks", "configmaps", "/metrics"] {
        assert!(
            resources.iter().any(|r| r == expected),
            "{expected}: {rules:#?}"
        );
    }
}

#[test]
fn the_program_writes_its_rules_before_main_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("manifests.json");
    // This very test binary links the runtime: asked, it writes and exits before any test runs.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .env("CARGO_OPERATOR_EMIT_MANIFESTS", &out)
        .arg("--this-filter-matches-no-test")
        .status()
        .unwrap();
    assert!(status.success());
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(document["format"], 1);
    assert_eq!(
        document["rbac"].as_array().unwrap().len(),
        3,
        "{document:#}"
    );
}
