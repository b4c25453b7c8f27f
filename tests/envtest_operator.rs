//! The golden generated operator (testdata/project) as a real process against a real
//! kube-apiserver (envtest), with only the RBAC it generates: `kubectl kustomize config/default`
//! rendered, its Namespace, ServiceAccount, (Cluster)Roles and bindings applied, the process
//! authenticated as that ServiceAccount (kubeconfig `as:` impersonation). It must reconcile its
//! config/samples objects (Ready=True with observedGeneration, a `Reconciled` event), count the
//! reconciles in `/metrics`, answer `/readyz`, log no 403 (stdout or stderr), and exit 0 on
//! SIGTERM. Its webhooks are installed to call it on a local port (what `envtest up` does), so
//! the samples go through its defaulter, validator and conversion.
//!
//! Needs the envtest binaries (`cargo operator envtest use`): without them it skips with one
//! line, except with `CI=true`, where it fails.
#![cfg(unix)]

mod support;

use cargo_operator_runtime::envtest::{EnvironmentBuilder, WebhookInstallOptions};
use cargo_operator_runtime::kube::api::{Api, DynamicObject};
use cargo_operator_runtime::kube::config::{KubeConfigOptions, Kubeconfig};
use cargo_operator_runtime::kube::{self, Client};
use k8s_openapi::api::authentication::v1::SelfSubjectReview;
use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::api::events::v1::Event;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use support::envtest::{Process, apply, dynamic_api, free_port, http_get, kubectl, yaml_documents};
use support::{cargo, generated_target_dir, repo_root, run_ok};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The golden project's webhook configurations, calling the operator on a free local port
/// (its CRD's conversion webhook too): what `cargo operator envtest up` installs for `make run`.
fn golden_webhooks(project: &std::path::Path) -> WebhookInstallOptions {
    WebhookInstallOptions::new()
        .paths([project.join("config/webhook/manifests.yaml")])
        .port(free_port())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_operator_reconciles_its_samples_with_only_its_generated_rbac() {
    let project = repo_root().join("testdata/project");
    let started = Instant::now();
    let Some(env) = EnvironmentBuilder::new()
        .crd_paths([project.join("config/crd/bases")])
        .webhooks(golden_webhooks(&project))
        .start_or_skip()
    else {
        return;
    };
    eprintln!("envtest started in {:.1?}", env.startup_time());

    let build = Instant::now();
    let binary = golden_operator();
    eprintln!("golden operator built in {:.1?}", build.elapsed());

    // The generated RBAC, as `make deploy` would install it.
    let admin = env.client().unwrap();
    let rendered = run_ok(
        kubectl(env.assets_dir())
            .arg("kustomize")
            .arg(project.join("config/default")),
    );
    let mut service_account = None;
    for object in yaml_documents(&rendered) {
        let kind = object["kind"].as_str().unwrap_or_default();
        if kind == "ServiceAccount" {
            service_account = Some((
                object["metadata"]["namespace"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                object["metadata"]["name"].as_str().unwrap().to_string(),
            ));
        }
        let rbac = ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];
        if kind == "Namespace" || kind == "ServiceAccount" || rbac.contains(&kind) {
            apply(&admin, &object, "default")
                .await
                .unwrap_or_else(|e| panic!("applying {kind} {}: {e}", object["metadata"]["name"]));
        }
    }
    let (namespace, name) = service_account.expect("config/default renders a ServiceAccount");
    let user = format!("system:serviceaccount:{namespace}:{name}");

    // A kubeconfig that authenticates as the admin and acts as the ServiceAccount.
    let kubeconfig = env.dir().join("operator.kubeconfig");
    write_impersonating_kubeconfig(env.kubeconfig(), &kubeconfig, &user);
    let operator_client = client_from(&kubeconfig).await;
    let review = Api::<SelfSubjectReview>::all(operator_client.clone())
        .create(&Default::default(), &SelfSubjectReview::default())
        .await
        .unwrap();
    let who = review.status.and_then(|s| s.user_info).unwrap_or_default();
    assert_eq!(who.username.as_deref(), Some(user.as_str()), "{who:?}");
    // The RBAC authorizer caches bindings: wait until the new ones are in effect, so the
    // operator's first requests are not refused because of that lag (which would be a 403).
    let as_operator = dynamic_api(
        &operator_client,
        "webapp.example.com/v1",
        "Guestbook",
        "default",
    )
    .await
    .unwrap();
    let settled = Instant::now();
    while let Err(error) = as_operator.list(&Default::default()).await {
        assert!(
            settled.elapsed() < Duration::from_secs(10),
            "generated RBAC not in effect: {error}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let secrets = Api::<Secret>::namespaced(operator_client, &namespace)
        .list(&Default::default())
        .await;
    assert!(
        matches!(&secrets, Err(kube::Error::Api(s)) if s.code == 403),
        "the operator's identity must not be able to list Secrets: {secrets:?}"
    );

    let metrics = format!("127.0.0.1:{}", free_port());
    let probes = format!("127.0.0.1:{}", free_port());
    let mut operator = Process::spawn(
        Command::new(&binary)
            .args(["--leader-elect", "--leader-election-namespace", &namespace])
            .args(env.webhooks().unwrap().manager_args())
            .args(["--metrics-bind-address", &metrics])
            .args(["--health-probe-bind-address", &probes])
            .env("KUBECONFIG", &kubeconfig)
            .env("RUST_LOG", "info")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .env_remove("POD_NAMESPACE"),
    );
    let fail = |operator: &Process, message: String| -> ! {
        panic!(
            "{message}\n--- operator log (stderr lines start with `E `)\n{}",
            operator.log()
        )
    };

    // Ready once it leads and its controllers run; nothing reconciled yet.
    let ready = Instant::now();
    loop {
        if let Some(status) = operator.exited() {
            fail(&operator, format!("the operator exited early: {status}"));
        }
        if matches!(get(&probes, "/readyz").await, Ok((200, _))) {
            break;
        }
        if ready.elapsed() > TIMEOUT {
            let last = get(&probes, "/readyz").await;
            fail(
                &operator,
                format!("/readyz not 200 after {TIMEOUT:?}: {last:?}"),
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("operator ready in {:.1?}", ready.elapsed());
    let before = match get(&metrics, "/metrics").await {
        Ok((200, body)) => body,
        other => fail(&operator, format!("GET /metrics: {other:?}")),
    };
    for controller in ["guestbook", "policy"] {
        let reconciles = reconcile_total(&before, controller);
        if reconciles != 0.0 {
            fail(
                &operator,
                format!("{controller}: {reconciles} reconciles before any object exists"),
            );
        }
    }

    // The samples, applied as `kubectl apply -k config/samples` would.
    let reconciling = Instant::now();
    let mut samples = Vec::new();
    let samples_dir = project.join("config/samples");
    for file in std::fs::read_dir(&samples_dir).unwrap() {
        let path = file.unwrap().path();
        if path.file_name().unwrap() == "kustomization.yaml" {
            continue;
        }
        for object in yaml_documents(&std::fs::read_to_string(&path).unwrap()) {
            let applied = apply(&admin, &object, "default").await.unwrap();
            samples.push(applied);
        }
    }
    // Guestbook v1 and v2 are one object, written twice: through the operator's defaulting
    // and validating webhooks, and its conversion webhook (v2 is converted to the stored v1).
    assert_eq!(samples.len(), 4, "one sample per kind and version");

    let mut pending: Vec<String> = Vec::new();
    loop {
        pending.clear();
        for sample in &samples {
            if let Err(why) = check_reconciled(&admin, sample).await {
                pending.push(why);
            }
        }
        let body = get(&metrics, "/metrics")
            .await
            .map(|(_, body)| body)
            .unwrap_or_default();
        for controller in ["guestbook", "policy"] {
            if reconcile_total(&body, controller) < 1.0 {
                pending.push(format!(
                    "/metrics: no controller_runtime_reconcile_total{{controller=\"{controller}\",\
                     result=\"requeue_after\"}} above 0 yet"
                ));
            }
            // The watch event that created the sample went through the work queue.
            for family in [
                "workqueue_adds_total",
                "workqueue_work_duration_seconds_count",
            ] {
                if counter(&body, family, &[("name", controller)]) < 1.0 {
                    pending.push(format!(
                        "/metrics: no {family}{{name=\"{controller}\"}} yet"
                    ));
                }
            }
            let errors = counter(
                &body,
                "controller_runtime_reconcile_errors_total",
                &[("controller", controller)],
            );
            if errors > 0.0 {
                fail(
                    &operator,
                    format!("{controller}: {errors} reconcile errors:\n{body}"),
                );
            }
        }
        if pending.is_empty() {
            break;
        }
        if let Some(status) = operator.exited() {
            fail(
                &operator,
                format!("the operator exited: {status}; waiting for: {pending:#?}"),
            );
        }
        if reconciling.elapsed() > TIMEOUT {
            fail(
                &operator,
                format!("after {TIMEOUT:?} still waiting for: {pending:#?}"),
            );
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    eprintln!("samples reconciled in {:.1?}", reconciling.elapsed());
    match get(&probes, "/readyz").await {
        Ok((200, _)) => {}
        other => fail(&operator, format!("/readyz after reconciling: {other:?}")),
    }
    match get(&probes, "/healthz").await {
        Ok((200, _)) => {}
        other => fail(&operator, format!("/healthz: {other:?}")),
    }

    let stopping = Instant::now();
    let status = operator.terminate(Duration::from_secs(15));
    match status {
        Some(status) if status.success() => {}
        Some(status) => fail(
            &operator,
            format!("exit after SIGTERM: {status}, expected 0"),
        ),
        None => fail(&operator, "still running 15 s after SIGTERM".into()),
    }
    eprintln!(
        "operator stopped in {:.1?} after SIGTERM",
        stopping.elapsed()
    );
    // The runtime logs through tracing to stdout, so both streams are searched.
    if mentions_forbidden(&operator.log()) {
        fail(&operator, "the operator logged a 403/forbidden".into());
    }
    eprintln!("total {:.1?}", started.elapsed());
}

/// Builds the golden project's operator binary once for all tests of this file: one build
/// instead of two cargo processes contending for the same project and target directory.
fn golden_operator() -> PathBuf {
    static BINARY: Mutex<Option<PathBuf>> = Mutex::new(None);
    let mut binary = BINARY.lock().unwrap_or_else(|e| e.into_inner());
    binary
        .get_or_insert_with(|| {
            let project = repo_root().join("testdata/project");
            let manifest: toml::Table = std::fs::read_to_string(project.join("Cargo.toml"))
                .unwrap()
                .parse()
                .unwrap();
            let package = manifest["package"]["name"].as_str().unwrap();
            run_ok(cargo(&project).args(["build", "--bin", package]));
            generated_target_dir().join("debug").join(package)
        })
        .clone()
}

/// Writes `admin` (the envtest admin kubeconfig) to `path` with `as: <user>` on its user.
fn write_impersonating_kubeconfig(admin: &Path, path: &Path, user: &str) {
    let mut config: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(admin).unwrap()).unwrap();
    let users = config["users"].as_array_mut().unwrap();
    assert_eq!(users.len(), 1, "one user in the envtest kubeconfig");
    users[0]["user"]["as"] = user.into();
    std::fs::write(path, serde_saphyr::to_string(&config).unwrap()).unwrap();
}

async fn client_from(kubeconfig: &Path) -> Client {
    let kubeconfig = Kubeconfig::read_from(kubeconfig).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    Client::try_from(config).unwrap()
}

async fn get(addr: &str, path: &str) -> std::io::Result<(u16, String)> {
    let (addr, path) = (addr.to_string(), path.to_string());
    tokio::task::spawn_blocking(move || http_get(&addr, &path))
        .await
        .unwrap()
}

/// `Ok` once `sample` has Ready=True for its current generation and a `Reconciled` event.
async fn check_reconciled(client: &Client, sample: &DynamicObject) -> Result<(), String> {
    let types = sample.types.clone().unwrap();
    let name = sample.metadata.name.clone().unwrap();
    let namespace = sample.metadata.namespace.as_deref().unwrap_or_default();
    let api = dynamic_api(client, &types.api_version, &types.kind, namespace)
        .await
        .map_err(|e| e.to_string())?;
    let here = format!("{} {name}", types.kind);
    let current = api.get(&name).await.map_err(|e| format!("{here}: {e}"))?;
    let generation = current.metadata.generation;
    let conditions = current.data["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // The `--image` kind reports whether its Deployment's pods are Available, which they
    // never are here (envtest runs no pods): it must have said so, for this generation.
    let (condition, status) = if types.kind == "Memcached" {
        ("Available", "False")
    } else {
        ("Ready", "True")
    };
    let found = conditions.iter().find(|c| c["type"] == condition);
    match found {
        Some(c) if c["status"] == status && c["observedGeneration"].as_i64() == generation => {}
        other => {
            return Err(format!(
                "{here}: no {condition}={status} for generation {generation:?} yet: {other:?}"
            ));
        }
    }
    if types.kind == "Memcached" {
        let deployments = dynamic_api(client, "apps/v1", "Deployment", namespace)
            .await
            .map_err(|e| e.to_string())?;
        let deployment = deployments
            .get(&name)
            .await
            .map_err(|e| format!("{here}: its Deployment: {e}"))?;
        let owned = deployment
            .metadata
            .owner_references
            .unwrap_or_default()
            .iter()
            .any(|o| o.kind == "Memcached" && o.controller == Some(true));
        if !owned {
            return Err(format!("{here}: the Deployment is not controlled by it"));
        }
    }
    let events = Api::<Event>::all(client.clone())
        .list(&Default::default())
        .await
        .map_err(|e| e.to_string())?;
    let reconciled = events.items.iter().any(|event| {
        let regarding = event.regarding.as_ref();
        event.reason.as_deref() == Some("Reconciled")
            && regarding.and_then(|r| r.kind.as_deref()) == Some(types.kind.as_str())
            && regarding.and_then(|r| r.name.as_deref()) == Some(name.as_str())
            && regarding.and_then(|r| r.uid.as_deref()) == current.metadata.uid.as_deref()
    });
    if !reconciled {
        return Err(format!(
            "{here}: no events.k8s.io Event with reason Reconciled yet"
        ));
    }
    Ok(())
}

/// `controller_runtime_reconcile_total{controller, result="requeue_after"}`: the generated
/// reconcilers return `Action::requeue(..)`, which the runtime counts as controller-runtime's
/// `requeue_after` (runtime/src/metrics.rs).
fn reconcile_total(metrics: &str, controller: &str) -> f64 {
    counter(
        metrics,
        "controller_runtime_reconcile_total",
        &[("controller", controller), ("result", "requeue_after")],
    )
}

/// The sum of the samples of `name` (Prometheus text format; `_total` may be the family name
/// plus suffix) whose labels include `labels`.
fn counter(metrics: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let (metric, label_text) = series.split_once('{').unwrap_or((series, ""));
            let wanted = metric == name
                && labels
                    .iter()
                    .all(|(key, value)| label_text.contains(&format!("{key}=\"{value}\"")));
            wanted.then(|| value.parse::<f64>().ok()).flatten()
        })
        .sum()
}

/// Whether a log has a 403: the word "forbidden" or `403` as a number of its own (ports and
/// timestamps such as `127.0.0.1:40325` or `.252403Z` contain the digits too).
fn mentions_forbidden(log: &str) -> bool {
    log.to_lowercase().contains("forbidden")
        || log
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == "403")
}

#[test]
fn forbidden_is_found_as_a_word_not_as_digits() {
    assert!(mentions_forbidden(
        r#"WARN watch failed: ApiError: guestbooks.webapp.example.com is forbidden: User "x" cannot list"#
    ));
    assert!(mentions_forbidden("request failed status=403"));
    assert!(!mentions_forbidden(
        "2026-11-26T05:08:56.252403Z INFO serving metrics address=127.0.0.1:40325"
    ));
}

#[test]
fn counter_reads_prometheus_text() {
    let text = "# TYPE controller_runtime_reconcile_total counter\n\
        controller_runtime_reconcile_total{controller=\"guestbook\",result=\"requeue_after\"} 3\n\
        controller_runtime_reconcile_total{controller=\"policy\",result=\"requeue_after\"} 1\n\
        controller_runtime_reconcile_total{controller=\"guestbook\",result=\"success\"} 0\n";
    assert_eq!(reconcile_total(text, "guestbook"), 3.0);
    assert_eq!(reconcile_total(text, "policy"), 1.0);
    assert_eq!(reconcile_total(text, "nobody"), 0.0);
}

/// The startup RBAC preflight: the same operator, with an identity that has no RBAC at all,
/// logs one clear error per missing list/watch permission of each watched kind — instead of
/// only the watch's endless 403 retries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_without_rbac_names_each_missing_permission() {
    let project = repo_root().join("testdata/project");
    let Some(env) = EnvironmentBuilder::new()
        .crd_paths([project.join("config/crd/bases")])
        .webhooks(golden_webhooks(&project))
        .start_or_skip()
    else {
        return;
    };
    let binary = golden_operator();

    let kubeconfig = env.dir().join("unprivileged.kubeconfig");
    write_impersonating_kubeconfig(
        env.kubeconfig(),
        &kubeconfig,
        "system:serviceaccount:default:nobody",
    );
    let operator = Process::spawn(
        Command::new(&binary)
            .args(["--metrics-bind-address", "0"])
            .args([
                "--health-probe-bind-address",
                &format!("127.0.0.1:{}", free_port()),
            ])
            .args(env.webhooks().unwrap().manager_args())
            .env("KUBECONFIG", &kubeconfig)
            .env("RUST_LOG", "info")
            .env_remove("KUBERNETES_SERVICE_HOST"),
    );
    let expected = [
        "cannot list guestbooks.webapp.example.com",
        "cannot watch guestbooks.webapp.example.com",
        "cannot list policies.infra.example.com",
        "cannot watch policies.infra.example.com",
        "cannot list memcacheds.cache.example.com",
        "cannot watch memcacheds.cache.example.com",
    ];
    let started = Instant::now();
    loop {
        let log = operator.log();
        if expected.iter().all(|line| log.contains(line)) {
            break;
        }
        assert!(
            started.elapsed() < TIMEOUT,
            "after {TIMEOUT:?} the preflight has not named every missing permission:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // One line each, and each says how to fix it.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let log = operator.log();
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("missing RBAC permission"))
        .collect();
    assert_eq!(lines.len(), expected.len(), "{log}");
    assert!(
        lines
            .iter()
            .all(|l| l.contains("#[rbac(") && l.contains("cargo operator manifests")),
        "{log}"
    );
}
