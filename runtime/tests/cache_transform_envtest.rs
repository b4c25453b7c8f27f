//! The watch cache's diet against a real API server: by default an object reaches the
//! reconciler (and the mapper of a watched kind) without `metadata.managedFields` and without
//! kubectl's last-applied annotation; `keep_managed_fields()` keeps both, and
//! `cache_transform(...)` replaces the default for the reconciled kind.
#![cfg(feature = "envtest")]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use cargo_operator_runtime::{
    Action, Context, Controller, LAST_APPLIED_CONFIG_ANNOTATION, Manager, ManagerOptions,
    strip_managed_fields,
};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret};
use kube::api::{Api, ObjectMeta, PostParams};
use kube::runtime::reflector::ObjectRef;
use kube::{Client, ResourceExt};
use tokio::sync::mpsc;

/// What a reconciler or mapper saw of an object.
#[derive(Debug, PartialEq, Eq)]
struct Seen {
    /// `reconcile` or `map`.
    by: &'static str,
    name: String,
    managed_fields: bool,
    last_applied: bool,
    /// The annotation that is not kubectl's: never stripped.
    other_annotation: bool,
    data: bool,
}

fn seen(by: &'static str, meta: &ObjectMeta, data: bool) -> Seen {
    let annotations = meta.annotations.clone().unwrap_or_default();
    Seen {
        by,
        name: meta.name.clone().unwrap_or_default(),
        managed_fields: meta.managed_fields.as_ref().is_some_and(|m| !m.is_empty()),
        last_applied: annotations.contains_key(LAST_APPLIED_CONFIG_ANNOTATION),
        other_annotation: annotations.contains_key("example.com/kept"),
        data,
    }
}

/// Metadata as `kubectl apply` leaves it: its last-applied annotation beside another one.
fn applied_meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.into()),
        namespace: Some(namespace.into()),
        annotations: Some(BTreeMap::from([
            (
                LAST_APPLIED_CONFIG_ANNOTATION.to_string(),
                format!(
                    r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}}}}"#
                ),
            ),
            ("example.com/kept".to_string(), "yes".to_string()),
        ])),
        ..Default::default()
    }
}

/// Runs a manager with `controller` in a namespace of its own holding one ConfigMap `cm` and a
/// Secret `trigger-cm` (watched, mapped to `cm`), and returns what the reconciler and the
/// mapper saw first.
async fn observe(
    client: &Client,
    namespace: &str,
    configure: impl FnOnce(Controller<ConfigMap>) -> Controller<ConfigMap>,
) -> (Seen, Seen) {
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some(namespace.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let params = PostParams {
        field_manager: Some("kubectl-client-side-apply".into()),
        ..Default::default()
    };
    let config_map = ConfigMap {
        metadata: applied_meta("cm", namespace),
        data: Some(BTreeMap::from([("k".to_string(), "v".to_string())])),
        ..Default::default()
    };
    let created = Api::<ConfigMap>::namespaced(client.clone(), namespace)
        .create(&params, &config_map)
        .await
        .unwrap();
    assert!(
        created
            .managed_fields()
            .iter()
            .any(|m| m.fields_v1.is_some()),
        "the API server records managed fields: {:?}",
        created.managed_fields()
    );
    let secret = Secret {
        metadata: applied_meta("trigger-cm", namespace),
        ..Default::default()
    };
    Api::<Secret>::namespaced(client.clone(), namespace)
        .create(&params, &secret)
        .await
        .unwrap();

    let (tx, mut rx) = mpsc::unbounded_channel();
    let map_tx = tx.clone();
    let controller = Controller::new("diet", move |object: Arc<ConfigMap>, _: Arc<Context>| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(seen("reconcile", &object.metadata, object.data.is_some()));
            Ok(Action::await_change())
        }
    })
    .namespace(namespace)
    .watches(move |secret: Secret| {
        let _ = map_tx.send(seen("map", &secret.metadata, false));
        let namespace = secret.namespace().unwrap_or_default();
        secret
            .name_any()
            .strip_prefix("trigger-")
            .map(|target| ObjectRef::<ConfigMap>::new(target).within(&namespace))
    });
    let options = ManagerOptions::try_parse_from([
        "test",
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
    ])
    .unwrap();
    let mut manager = Manager::with_client("diet-test", options, client.clone());
    manager.add_controller(configure(controller));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));

    let (mut reconciled, mut mapped) = (None, None);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while reconciled.is_none() || mapped.is_none() {
        let seen = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("the ConfigMap is reconciled and the Secret mapped within 20 s")
            .unwrap();
        match seen.by {
            "reconcile" => reconciled = reconciled.or(Some(seen)),
            _ => mapped = mapped.or(Some(seen)),
        }
    }
    let _ = stop.send(());
    assert_eq!(run.await.unwrap(), std::process::ExitCode::SUCCESS);
    (reconciled.unwrap(), mapped.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn managed_fields_are_stripped_by_default_and_kept_on_request() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let client = env.client().unwrap();

    // Default: neither managedFields nor the last-applied annotation reach the reconciler
    // or the mapper of a watched kind; other annotations and the data do.
    let (reconciled, mapped) = observe(&client, "stripped", |c| c).await;
    let stripped = |by| Seen {
        by,
        name: String::new(),
        managed_fields: false,
        last_applied: false,
        other_annotation: true,
        data: by == "reconcile",
    };
    assert_eq!(
        Seen {
            name: String::new(),
            ..reconciled
        },
        stripped("reconcile")
    );
    assert_eq!(
        Seen {
            name: String::new(),
            ..mapped
        },
        stripped("map")
    );

    // The opt-out keeps both, for every kind.
    let (reconciled, mapped) = observe(&client, "kept", Controller::keep_managed_fields).await;
    assert!(
        reconciled.managed_fields && reconciled.last_applied && reconciled.other_annotation,
        "{reconciled:?}"
    );
    assert!(
        mapped.managed_fields && mapped.last_applied && mapped.other_annotation,
        "{mapped:?}"
    );

    // A transform of one's own replaces the default for the reconciled kind (here: the
    // default diet and the data dropped too); the watched kind keeps the default.
    let (reconciled, mapped) = observe(&client, "custom", |c| {
        c.cache_transform(|cm: &mut ConfigMap| {
            strip_managed_fields(cm);
            cm.data = None;
        })
    })
    .await;
    assert!(
        !reconciled.managed_fields && !reconciled.last_applied && !reconciled.data,
        "{reconciled:?}"
    );
    assert!(!mapped.managed_fields && !mapped.last_applied, "{mapped:?}");
}
