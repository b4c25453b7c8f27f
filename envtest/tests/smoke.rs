//! The envtest harness against a real kube-apiserver + etcd.
//!
//! Needs the binaries (`KUBEBUILDER_ASSETS=$(cargo operator envtest use --print path)`);
//! without them each test prints one line and passes, except with `CI=true`, where it fails.
#![cfg(feature = "client")]

use cargo_operator_envtest::{Environment, EnvironmentBuilder, Error};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use kube::api::{Api, ApiResource, DynamicObject, ListParams, ObjectMeta, PostParams};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn widgets() -> ApiResource {
    ApiResource {
        group: "envtest.example.com".into(),
        version: "v1".into(),
        api_version: "envtest.example.com/v1".into(),
        kind: "Widget".into(),
        plural: "widgets".into(),
    }
}

fn widget(name: &str, spec: serde_json::Value) -> DynamicObject {
    DynamicObject::new(name, &widgets()).data(json!({ "spec": spec }))
}

fn status_code(error: &kube::Error) -> Option<u16> {
    match error {
        kube::Error::Api(status) => Some(status.code),
        _ => None,
    }
}

async fn create_namespace(client: &kube::Client, name: &str) {
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    namespaces
        .create(&PostParams::default(), &namespace)
        .await
        .expect("namespace created");
}

#[tokio::test]
async fn control_plane_serves_core_objects_crds_and_rbac() {
    let Some(env) = EnvironmentBuilder::new()
        .crd_paths([fixture("envtest-widgets-crd.yaml")])
        .start_or_skip()
    else {
        return;
    };
    eprintln!(
        "envtest: control plane + 1 CRD ready in {:.2?} ({})",
        env.startup_time(),
        env.server_url()
    );
    let admin = env.client().expect("admin client");

    // Core objects.
    create_namespace(&admin, "smoke").await;
    let config_maps: Api<ConfigMap> = Api::namespaced(admin.clone(), "smoke");
    let config_map = ConfigMap {
        metadata: ObjectMeta {
            name: Some("settings".into()),
            ..Default::default()
        },
        data: Some([("color".to_string(), "blue".to_string())].into()),
        ..Default::default()
    };
    config_maps
        .create(&PostParams::default(), &config_map)
        .await
        .expect("ConfigMap created");
    let read = config_maps.get("settings").await.expect("ConfigMap read");
    assert_eq!(read.data.unwrap()["color"], "blue");

    // The CRD was installed at start and is served: a valid object is accepted …
    let objects: Api<DynamicObject> = Api::namespaced_with(admin.clone(), "smoke", &widgets());
    objects
        .create(
            &PostParams::default(),
            &widget("good", json!({"replicas": 3, "size": "small"})),
        )
        .await
        .expect("a valid Widget is accepted");

    // … and the server enforces the schema: minimum, maximum, enum, required.
    for (name, spec, field) in [
        ("too-few", json!({"replicas": 0}), "spec.replicas"),
        ("too-many", json!({"replicas": 11}), "spec.replicas"),
        (
            "bad-size",
            json!({"replicas": 1, "size": "huge"}),
            "spec.size",
        ),
        ("no-replicas", json!({"size": "large"}), "spec.replicas"),
    ] {
        let error = objects
            .create(&PostParams::default(), &widget(name, spec))
            .await
            .expect_err(&format!("{name} must be rejected"));
        assert_eq!(status_code(&error), Some(422), "{name}: {error}");
        assert!(error.to_string().contains(field), "{name}: {error}");
    }

    // A ServiceAccount without RBAC is forbidden, with RBAC it is allowed exactly that.
    let operator = env
        .service_account_client("smoke", "operator")
        .expect("impersonating client");
    let as_operator: Api<ConfigMap> = Api::namespaced(operator.clone(), "smoke");
    let error = as_operator
        .list(&ListParams::default())
        .await
        .expect_err("no RBAC yet");
    assert_eq!(status_code(&error), Some(403), "{error}");

    let roles: Api<Role> = Api::namespaced(admin.clone(), "smoke");
    roles
        .create(
            &PostParams::default(),
            &Role {
                metadata: ObjectMeta {
                    name: Some("read-config-maps".into()),
                    ..Default::default()
                },
                rules: Some(vec![PolicyRule {
                    api_groups: Some(vec![String::new()]),
                    resources: Some(vec!["configmaps".into()]),
                    verbs: vec!["get".into(), "list".into()],
                    ..Default::default()
                }]),
            },
        )
        .await
        .expect("Role created");
    let bindings: Api<RoleBinding> = Api::namespaced(admin.clone(), "smoke");
    bindings
        .create(
            &PostParams::default(),
            &RoleBinding {
                metadata: ObjectMeta {
                    name: Some("operator-reads-config-maps".into()),
                    ..Default::default()
                },
                role_ref: RoleRef {
                    api_group: "rbac.authorization.k8s.io".into(),
                    kind: "Role".into(),
                    name: "read-config-maps".into(),
                },
                subjects: Some(vec![Subject {
                    kind: "ServiceAccount".into(),
                    name: "operator".into(),
                    namespace: Some("smoke".into()),
                    ..Default::default()
                }]),
            },
        )
        .await
        .expect("RoleBinding created");
    // The RBAC authorizer reads bindings from an informer cache, so a new RoleBinding takes
    // effect a moment after it is created: poll briefly instead of failing on that lag.
    let deadline = Instant::now() + Duration::from_secs(10);
    let listed = loop {
        match as_operator.list(&ListParams::default()).await {
            Ok(listed) => break listed,
            Err(kube::Error::Api(status)) if status.code == 403 && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => panic!("allowed by the RoleBinding: {error:?}"),
        }
    };
    assert!(
        listed
            .items
            .iter()
            .any(|cm| cm.metadata.name.as_deref() == Some("settings"))
    );
    let widgets_as_operator: Api<DynamicObject> =
        Api::namespaced_with(operator, "smoke", &widgets());
    let error = widgets_as_operator
        .list(&ListParams::default())
        .await
        .expect_err("widgets are not in the Role");
    assert_eq!(status_code(&error), Some(403), "{error}");

    // The kubeconfig points at this server with the admin identity.
    let kubeconfig = std::fs::read_to_string(env.kubeconfig()).expect("kubeconfig written");
    assert!(kubeconfig.contains(env.server_url()), "{kubeconfig}");
}

#[tokio::test]
async fn drop_stops_the_processes_and_removes_the_directory() {
    let Some(env) = Environment::builder().start_or_skip() else {
        return;
    };
    let pids = env.pids();
    let dir = env.dir().to_path_buf();
    assert_eq!(pids.len(), 2);
    assert!(dir.exists());
    drop(env);
    assert!(!dir.exists(), "{} left behind", dir.display());
    for pid in pids {
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "process {pid} still running"
        );
    }
}

#[tokio::test]
async fn missing_binaries_fail_with_one_line_naming_the_command() {
    let empty = tempfile::tempdir().expect("temp dir");
    let error = EnvironmentBuilder::new()
        .binary_assets_dir(empty.path())
        .start()
        .expect_err("no binaries there");
    assert!(matches!(error, Error::BinariesNotFound(_)), "{error}");
    let message = error.to_string();
    assert!(message.contains("cargo operator envtest use"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
}

#[test]
fn a_panicking_test_still_tears_everything_down() {
    let (tx, rx) = std::sync::mpsc::channel();
    let result = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let Some(env) = Environment::builder().start_or_skip() else {
                return;
            };
            tx.send((env.pids(), env.dir().to_path_buf())).unwrap();
            panic!("a failing assertion while the control plane runs");
        });
    })
    .join();
    let Ok((pids, dir)) = rx.try_recv() else {
        return; // skipped: no binaries
    };
    assert!(result.is_err(), "the thread panicked");
    assert!(!dir.exists(), "{} left behind", dir.display());
    for pid in pids {
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "process {pid} still running"
        );
    }
}
