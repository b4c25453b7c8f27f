//! The finalizer helper against a real API server: the finalizer is added before the first
//! `Apply`, `Cleanup` runs once the object is being deleted, and removing the finalizer lets
//! the deletion finish.
#![cfg(feature = "envtest")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cargo_operator_runtime::envtest::EnvironmentBuilder;
use cargo_operator_runtime::finalizer::{Event, finalizer};
use cargo_operator_runtime::{Action, Context};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ObjectMeta, PostParams};

const FINALIZER: &str = "example.com/cleanup";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalizer_guards_deletion_until_cleanup_succeeds() {
    let Some(env) = EnvironmentBuilder::new().start_or_skip() else {
        return;
    };
    let client = env.client().unwrap();
    let ctx = Context::new(client.clone(), "finalizer-test");
    let config_maps: Api<ConfigMap> = Api::namespaced(client, "default");
    let object = ConfigMap {
        metadata: ObjectMeta {
            name: Some("guarded".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    config_maps
        .create(&PostParams::default(), &object)
        .await
        .unwrap();

    let applies = AtomicUsize::new(0);
    let cleanups = AtomicUsize::new(0);
    let reconcile = |object: ConfigMap| {
        let (applies, cleanups) = (&applies, &cleanups);
        let ctx = &ctx;
        async move {
            finalizer(ctx, FINALIZER, Arc::new(object), |event| async move {
                match event {
                    Event::Apply(_) => applies.fetch_add(1, Ordering::SeqCst),
                    Event::Cleanup(_) => cleanups.fetch_add(1, Ordering::SeqCst),
                };
                Ok(Action::await_change())
            })
            .await
            .unwrap_or_else(|error| panic!("finalizer: {error}"))
        }
    };

    // First reconcile: only the finalizer is added.
    reconcile(config_maps.get("guarded").await.unwrap()).await;
    let current = config_maps.get("guarded").await.unwrap();
    assert_eq!(
        current.metadata.finalizers,
        Some(vec![FINALIZER.to_string()])
    );
    // Next: Apply.
    reconcile(current).await;
    assert_eq!(
        (
            applies.load(Ordering::SeqCst),
            cleanups.load(Ordering::SeqCst)
        ),
        (1, 0)
    );

    // Deleting only marks the object while the finalizer is there.
    config_maps
        .delete("guarded", &DeleteParams::default())
        .await
        .unwrap();
    let deleting = config_maps.get("guarded").await.unwrap();
    assert!(
        deleting.metadata.deletion_timestamp.is_some(),
        "still present, being deleted"
    );
    reconcile(deleting).await;
    assert_eq!(
        (
            applies.load(Ordering::SeqCst),
            cleanups.load(Ordering::SeqCst)
        ),
        (1, 1)
    );
    // Cleanup removed the finalizer, so the deletion completed.
    assert!(
        config_maps.get_opt("guarded").await.unwrap().is_none(),
        "deleted after cleanup"
    );
}
