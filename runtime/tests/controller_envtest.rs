//! The `Controller` builder against a real API server: `namespace` scopes the watch (and so
//! the reconciles) to one namespace, `watches` maps changes of another kind to the objects
//! to reconcile, and `owns` reconciles the owner when an object it owns changes. And a burst
//! with deleted and missing objects in it is reconciled whole.
#![cfg(feature = "envtest")]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use cargo_operator_runtime::{Action, Context, Controller, Manager, ManagerOptions, owner};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret};
use kube::api::{Api, DeleteParams, ListParams, ObjectMeta, PostParams};
use kube::runtime::reflector::ObjectRef;
use kube::{Client, ResourceExt};
use std::process::ExitCode;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

fn named<K: Default>(name: &str, namespace: &str, set: impl FnOnce(&mut K, ObjectMeta)) -> K {
    let mut object = K::default();
    set(
        &mut object,
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some(namespace.into()),
            ..Default::default()
        },
    );
    object
}

fn config_map(name: &str, namespace: &str) -> ConfigMap {
    named(name, namespace, |c: &mut ConfigMap, m| c.metadata = m)
}

async fn create_namespace(client: &Client, name: &str) {
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    };
    Api::<Namespace>::all(client.clone())
        .create(&PostParams::default(), &namespace)
        .await
        .unwrap();
}

/// The next reconciled object, or `None` if none comes within `within`.
async fn next(rx: &mut mpsc::UnboundedReceiver<String>, within: Duration) -> Option<String> {
    tokio::time::timeout(within, rx.recv()).await.ok().flatten()
}

/// Waits for a reconcile of `name`, skipping others (periodic requeues of earlier objects).
async fn reconciled(rx: &mut mpsc::UnboundedReceiver<String>, name: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while tokio::time::Instant::now() < deadline {
        if next(rx, Duration::from_secs(1)).await.as_deref() == Some(name) {
            return;
        }
    }
    panic!("{name} was not reconciled within 20 s");
}

/// A Secret `trigger-<name>` names the ConfigMap `<name>` beside it (a `watches` mapper).
fn triggered_config_map(secret: Secret) -> Option<ObjectRef<ConfigMap>> {
    let namespace = secret.namespace().unwrap_or_default();
    secret
        .name_any()
        .strip_prefix("trigger-")
        .map(|target| ObjectRef::<ConfigMap>::new(target).within(&namespace))
}

/// Runs a manager of `controller` alone until `stop` is sent; `run` gives its exit code.
fn run_manager(
    name: &str,
    client: &Client,
    controller: Controller<ConfigMap>,
) -> (oneshot::Sender<()>, JoinHandle<ExitCode>) {
    let options = ManagerOptions::try_parse_from([
        "test",
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
    ])
    .unwrap();
    let mut manager = Manager::with_client(name, options, client.clone());
    manager.add_controller(controller);
    let (stop, stopped) = oneshot::channel::<()>();
    let run = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));
    (stop, run)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespace_watches_and_owns_decide_what_is_reconciled() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let client = env.client().unwrap();
    create_namespace(&client, "watched").await;
    create_namespace(&client, "other").await;
    let watched: Api<ConfigMap> = Api::namespaced(client.clone(), "watched");
    let other: Api<ConfigMap> = Api::namespaced(client.clone(), "other");
    let params = PostParams::default();
    watched
        .create(&params, &config_map("a", "watched"))
        .await
        .unwrap();
    other
        .create(&params, &config_map("b", "other"))
        .await
        .unwrap();

    let (tx, mut rx) = mpsc::unbounded_channel();
    let controller = Controller::new("config", move |object: Arc<ConfigMap>, _: Arc<Context>| {
        let tx = tx.clone();
        async move {
            let _ = tx.send(object.name_any());
            Ok(Action::await_change())
        }
    })
    .namespace("watched")
    .watches(triggered_config_map)
    .owns::<Secret>();
    let (stop, run) = run_manager("controller-test", &client, controller);

    // Only the watched namespace is reconciled.
    reconciled(&mut rx, "a").await;
    let later = next(&mut rx, Duration::from_secs(3)).await;
    assert_ne!(
        later.as_deref(),
        Some("b"),
        "a ConfigMap of another namespace was reconciled"
    );

    // A change of a watched kind reconciles what the mapper names.
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "watched");
    let trigger = named("trigger-a", "watched", |s: &mut Secret, m| s.metadata = m);
    secrets.create(&params, &trigger).await.unwrap();
    reconciled(&mut rx, "a").await;

    // A change of an owned object reconciles its owner.
    let owner_object = watched.get("a").await.unwrap();
    let mut owned = named("owned-by-a", "watched", |s: &mut Secret, m| s.metadata = m);
    owner::set_controller_reference(&mut owned.metadata, &owner_object).unwrap();
    owned.string_data = Some(BTreeMap::from([("k".to_string(), "v".to_string())]));
    secrets.create(&params, &owned).await.unwrap();
    reconciled(&mut rx, "a").await;

    // Nothing in the other namespace, ever.
    while let Some(name) = next(&mut rx, Duration::from_millis(500)).await {
        assert_ne!(name, "b", "a ConfigMap of another namespace was reconciled");
    }
    let _ = stop.send(());
    assert_eq!(run.await.unwrap(), ExitCode::SUCCESS);
}

/// The initial list of many objects with one worker, while some of the objects are deleted
/// before their turn and a watched kind names objects that never existed: every object left
/// is reconciled, the requests for missing ones are dropped (kube-runtime's "object not
/// found", which the workqueue forgets), and the controller still takes new work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_with_deleted_and_missing_objects_is_reconciled_whole() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let client = env.client().unwrap();
    create_namespace(&client, "burst").await;
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "burst");
    let secrets: Api<Secret> = Api::namespaced(client.clone(), "burst");
    let params = PostParams::default();
    const KEPT: usize = 60;
    for n in 0..100 {
        let mut object = config_map(&format!("c{n:02}"), "burst");
        if n >= KEPT {
            object.metadata.labels = Some(BTreeMap::from([("doomed".into(), "yes".into())]));
        }
        config_maps.create(&params, &object).await.unwrap();
    }
    // Each names a ConfigMap that does not exist.
    for n in 0..50 {
        let trigger = named(
            &format!("trigger-ghost{n}"),
            "burst",
            |s: &mut Secret, m| s.metadata = m,
        );
        secrets.create(&params, &trigger).await.unwrap();
    }

    let (tx, mut rx) = mpsc::unbounded_channel();
    let doomed = config_maps.clone();
    let controller = Controller::new("burst", move |object: Arc<ConfigMap>, _: Arc<Context>| {
        let (tx, doomed) = (tx.clone(), doomed.clone());
        async move {
            // The first reconcile deletes the last objects while they wait for their turn.
            if object.name_any() == "c00" {
                doomed
                    .delete_collection(
                        &DeleteParams::default(),
                        &ListParams::default().labels("doomed=yes"),
                    )
                    .await
                    .unwrap();
            }
            let _ = tx.send(object.name_any());
            Ok(Action::await_change())
        }
    })
    .namespace("burst")
    .max_concurrent_reconciles(1)
    .watches(triggered_config_map);
    let (stop, run) = run_manager("burst-test", &client, controller);

    let mut missing: BTreeSet<String> = (0..KEPT).map(|n| format!("c{n:02}")).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !missing.is_empty() && tokio::time::Instant::now() < deadline {
        if let Some(name) = next(&mut rx, Duration::from_secs(1)).await {
            missing.remove(&name);
        }
    }
    assert!(missing.is_empty(), "never reconciled: {missing:?}");
    // And the controller still takes new work.
    config_maps
        .create(&params, &config_map("after", "burst"))
        .await
        .unwrap();
    reconciled(&mut rx, "after").await;
    let _ = stop.send(());
    assert_eq!(run.await.unwrap(), ExitCode::SUCCESS);
}
