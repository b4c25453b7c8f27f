//! End-to-end test on a kind cluster: build the image, load it, deploy, check it reconciles.
//!
//! It needs Docker, kind and kubectl. Run it with `make test-e2e`. When `E2E_KIND_CLUSTER` is
//! not set (plain `cargo test`) it prints one line saying so and passes without running.

use std::process::Command;
use std::time::{Duration, Instant};

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
    assert!(
        output.status.success(),
        "`{program} {}` failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn deploys_and_reconciles_samples_on_kind() {
    let Ok(cluster) = std::env::var("E2E_KIND_CLUSTER") else {
        eprintln!(
            "skipping e2e: set E2E_KIND_CLUSTER (or run `make test-e2e`) with Docker and kind available"
        );
        return;
    };
    let image = "guestbook-operator:e2e";
    let existing = run("kind", &["get", "clusters"]);
    let created = !existing.lines().any(|line| line == cluster);
    if created {
        run(
            "kind",
            &[
                "create",
                "cluster",
                "--name",
                &cluster,
                "--config",
                "hack/kind-config.yaml",
            ],
        );
    }
    let context = format!("kind-{cluster}");
    run("make", &["docker-build", &format!("IMG={image}")]);
    run("kind", &["load", "docker-image", image, "--name", &cluster]);
    run("make", &["deploy", &format!("IMG={image}")]);
    let namespace = "guestbook-operator-system";
    run(
        "kubectl",
        &[
            "--context",
            &context,
            "-n",
            namespace,
            "rollout",
            "status",
            "deployment/guestbook-operator-controller-manager",
            "--timeout=180s",
        ],
    );
    run(
        "kubectl",
        &["--context", &context, "apply", "-k", "config/samples"],
    );

    // Every sample must reach Ready=True, written by the deployed reconciler.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let ready = run(
            "kubectl",
            &[
                "--context",
                &context,
                "get",
                "-k",
                "config/samples",
                "-o",
                "jsonpath={range .items[*]}{.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}",
            ],
        );
        let states: Vec<&str> = ready.lines().collect();
        if !states.is_empty() && states.iter().all(|state| *state == "True") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "samples not Ready after 120s: {states:?}"
        );
        std::thread::sleep(Duration::from_secs(2));
    }
    if created && std::env::var_os("E2E_KEEP_CLUSTER").is_none() {
        run("kind", &["delete", "cluster", "--name", &cluster]);
    }
}
