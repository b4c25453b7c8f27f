//! `cargo operator envtest up`: a real control plane in the foreground, stopped by SIGTERM.
//! Needs the binaries (`cargo operator envtest use`); without them it skips with one line,
//! except with `CI=true`, where it fails.
#![cfg(unix)]

use cargo_operator_runtime::envtest::{DEFAULT_KUBERNETES_VERSION, assets, is_ci};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn up_serves_installs_crds_and_stops_cleanly_on_sigterm() {
    let Some(assets_dir) = assets::from_env(&assets::REQUIRED_BINARIES)
        .or_else(|| assets::cached(DEFAULT_KUBERNETES_VERSION, &assets::REQUIRED_BINARIES))
    else {
        let message = assets::not_found_message();
        assert!(!is_ci(), "{message}");
        eprintln!("skipped: {message}");
        return;
    };
    let project = tempfile::tempdir().unwrap();
    let crds = project.path().join("config/crd/bases");
    std::fs::create_dir_all(&crds).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("envtest/tests/fixtures/envtest-widgets-crd.yaml"),
        crds.join("widgets.yaml"),
    )
    .unwrap();
    // What `manifests` writes for a #[webhook]: it calls the in-cluster Service, which `up`
    // rewrites into a URL on this machine.
    let webhooks = project.path().join("config/webhook");
    std::fs::create_dir_all(&webhooks).unwrap();
    std::fs::write(
        webhooks.join("manifests.yaml"),
        "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n\
         metadata:\n  name: validating-webhook-configuration\nwebhooks:\n\
         - admissionReviewVersions: [v1]\n  clientConfig:\n    service:\n      name: webhook-service\n\
         \x20     namespace: system\n      path: /validate-envtest-example-com-v1-widget\n\
         \x20 failurePolicy: Ignore\n  name: vwidget-v1.envtest.example.com\n  rules:\n\
         \x20 - apiGroups: [envtest.example.com]\n    apiVersions: [v1]\n    operations: [CREATE]\n\
         \x20   resources: [widgets]\n  sideEffects: None\n",
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kubeconfig = project.path().join("envtest.kubeconfig");

    let mut child = Command::new(assert_cmd::cargo::cargo_bin("cargo-operator"))
        .args([
            "envtest",
            "up",
            "--webhook-port",
            &port.to_string(),
            "--kubeconfig",
        ])
        .arg(&kubeconfig)
        .current_dir(project.path())
        .env("KUBEBUILDER_ASSETS", &assets_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line);
        }
    });
    let started = Instant::now();
    let mut printed = Vec::new();
    while !printed.iter().any(|l: &String| l.contains("Press Ctrl-C")) {
        match rx.recv_timeout(Duration::from_secs(90)) {
            Ok(line) => printed.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("`envtest up` not ready: {printed:#?}");
            }
        }
    }
    eprintln!("envtest up ready in {:.2?}", started.elapsed());
    let text = printed.join("\n");
    assert!(text.contains("widgets.envtest.example.com"), "{text}");
    assert!(text.contains("make run"), "{text}");
    let cert_dir = project.path().join("webhook-certs");
    assert!(
        text.contains(&format!("--webhook-port={port}"))
            && text.contains(&format!("--webhook-cert-path={}", cert_dir.display())),
        "{text}"
    );
    assert!(cert_dir.join("tls.crt").exists() && cert_dir.join("tls.key").exists());
    assert!(kubeconfig.exists());

    // The webhook calls the operator on this machine.
    let output = Command::new(assets_dir.join("kubectl"))
        .args([
            "get",
            "validatingwebhookconfiguration",
            "validating-webhook-configuration",
            "-o",
            "jsonpath={.webhooks[0].clientConfig.url}",
        ])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("https://127.0.0.1:{port}/validate-envtest-example-com-v1-widget"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The kubeconfig works with the kubectl of the same assets.
    let output = Command::new(assets_dir.join("kubectl"))
        .args(["get", "crd", "widgets.envtest.example.com", "-o", "name"])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "`envtest up` ignored SIGTERM");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(exit.success(), "{exit}");
    assert!(
        !kubeconfig.exists(),
        "the kubeconfig of a stopped server is removed"
    );
}
