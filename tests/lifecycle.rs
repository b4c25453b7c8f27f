//! The promise of every command: right after `init`, after `create api`, after `create
//! webhook` and after `manifests`, the generated project builds, passes its own tests
//! (envtest against a real API server included) and `cargo clippy --all-targets -D warnings`,
//! is rustfmt-clean, and renders with `kubectl kustomize config/default`.

mod support;

use std::process::Command;
use support::*;

/// Everything a user may run at any point of the project's life.
fn check(project: &std::path::Path, after: &str) {
    eprintln!("==> after {after}: cargo test, clippy, fmt, kustomize");
    run_ok(cargo(project).args(["test", "--workspace"]));
    run_ok(cargo(project).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]));
    // Not `--all`: that would also check the runtime this project depends on by path.
    run_ok(cargo(project).args(["fmt", "--", "--check"]));
    // kubectl is part of the CI image: a missing kubectl is a failure, never a skip.
    let rendered = run_ok(
        Command::new("kubectl")
            .args(["kustomize", "config/default"])
            .current_dir(project),
    );
    assert!(
        rendered.contains("kind: Deployment"),
        "after {after}, config/default renders without the manager:\n{rendered}"
    );
}

#[test]
fn the_project_builds_tests_lints_and_renders_after_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("guestbook-operator");
    let mut scaffolded_webhooks = None;
    for (after, commands) in reference_steps(repo_root().to_str().unwrap()) {
        run_step(&project, &commands);
        let webhooks = std::fs::read_to_string(project.join("config/webhook/manifests.yaml")).ok();
        match after {
            "create webhook" => {
                let webhooks =
                    webhooks.expect("create webhook writes config/webhook/manifests.yaml");
                assert!(
                    webhooks.contains("kind: MutatingWebhookConfiguration"),
                    "{webhooks}"
                );
                assert!(
                    webhooks.contains("kind: ValidatingWebhookConfiguration"),
                    "{webhooks}"
                );
                scaffolded_webhooks = Some(webhooks);
            }
            // What create webhook wrote from the project file is what the compiled
            // `#[webhook]` attributes say.
            "manifests" => assert_eq!(webhooks, scaffolded_webhooks),
            _ => {}
        }
        check(&project, after);
    }
    let rendered = run_ok(
        Command::new("kubectl")
            .args(["kustomize", "config/default"])
            .current_dir(&project),
    );
    // The CRD converts through the webhook, with the CA cert-manager injects.
    let crd = serde_saphyr::from_multiple::<serde_json::Value>(&rendered)
        .unwrap()
        .into_iter()
        .find(|o| o["metadata"]["name"] == "guestbooks.webapp.example.com")
        .expect("the Guestbook CRD is rendered");
    assert_eq!(crd["spec"]["conversion"]["strategy"], "Webhook");
    assert_eq!(
        crd["spec"]["conversion"]["webhook"]["clientConfig"]["service"]["name"],
        "guestbook-operator-webhook-service"
    );
    assert_eq!(
        crd["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
        "guestbook-operator-system/guestbook-operator-serving-cert"
    );
}
