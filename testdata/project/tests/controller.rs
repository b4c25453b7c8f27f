//! Controller tests against a real kube-apiserver + etcd (envtest): the Rust analogue of
//! kubebuilder's `suite_test.go` + `<kind>_controller_test.go`.
//!
//! Each test starts its own control plane with the CRDs of the api crate's types installed
//! (what `cargo operator manifests` writes to `config/crd/bases`, so these tests need no
//! `manifests` run first) and drives a reconciler against it.
//! The binaries come from `KUBEBUILDER_ASSETS` or the cache of `cargo operator envtest use`
//! (`make setup-envtest`); without them these tests fail with one line naming that command.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

use cargo_operator_runtime::envtest::Environment;
use cargo_operator_runtime::k8s_openapi::api::apps::v1::Deployment;
use cargo_operator_runtime::k8s_openapi::api::core::v1::ConfigMap;
use cargo_operator_runtime::k8s_openapi::api::events::v1::Event;
use cargo_operator_runtime::k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use cargo_operator_runtime::kube::api::{Api, DeleteParams, ListParams, PostParams};
use cargo_operator_runtime::kube::core::NamespaceResourceScope;
use cargo_operator_runtime::{Action, ApiScope, Context, ReconcileError, Resource, ResourceExt};
#[allow(unused_imports)]
use guestbook_operator::controller;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A fresh control plane with this project's CRDs installed and Established.
pub fn start_control_plane() -> Environment {
    let crds = cargo_operator_runtime::merge_crd_versions(api::crds())
        .unwrap_or_else(|error| panic!("the api crate's CRDs: {error}"));
    Environment::builder()
        .crds(crds)
        .start()
        .unwrap_or_else(|error| panic!("{error}"))
}

#[tokio::test]
async fn control_plane_serves_the_project_crds() {
    let env = start_control_plane();
    let installed = Api::<CustomResourceDefinition>::all(env.client().unwrap())
        .list(&ListParams::default())
        .await
        .unwrap();
    for crd in api::crds() {
        let name = crd.metadata.name.unwrap();
        assert!(
            installed
                .items
                .iter()
                .any(|c| c.metadata.name.as_deref() == Some(name.as_str())),
            "{name} is not installed"
        );
    }
}

/// Creates `object` on the API server, runs `reconcile` on it as the server returns it, and
/// checks the scaffolded reconciler's promise: a Ready=True condition for the object's
/// generation, a `Reconciled` event, and (for a namespaced kind) the ConfigMap it owns.
// TODO(user): extend it as the reconciler grows.
#[allow(dead_code)]
pub async fn reconciles_to_ready<K, F, Fut>(object: K, controller_name: &str, reconcile: F)
where
    K: Resource<DynamicType = ()> + Clone + Debug + Serialize + DeserializeOwned,
    K::Scope: ApiScope + 'static,
    F: Fn(Arc<K>, Arc<Context>) -> Fut,
    Fut: Future<Output = Result<Action, ReconcileError>>,
{
    let env = start_control_plane();
    let client = env.client().unwrap();
    let namespaced =
        std::any::TypeId::of::<K::Scope>() == std::any::TypeId::of::<NamespaceResourceScope>();
    let objects: Api<K> = K::Scope::api(client.clone(), namespaced.then_some("default"));
    let name = object.name_any();
    objects
        .create(&PostParams::default(), &object)
        .await
        .unwrap();

    let created = objects.get(&name).await.unwrap();
    let context = Arc::new(Context::new(client.clone(), controller_name));
    reconcile(Arc::new(created), context).await.unwrap();

    let reconciled = serde_json::to_value(objects.get(&name).await.unwrap()).unwrap();
    let conditions = reconciled["status"]["conditions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ready = conditions
        .iter()
        .find(|c| c["type"] == "Ready")
        .expect("a Ready condition");
    assert_eq!(ready["status"], "True");
    assert_eq!(
        ready["observedGeneration"],
        reconciled["metadata"]["generation"]
    );

    let events = Api::<Event>::all(client.clone())
        .list(&ListParams::default())
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.reason.as_deref() == Some("Reconciled")
                && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some(name.as_str())),
        "no Reconciled event for {name}"
    );

    if namespaced {
        let uid = reconciled["metadata"]["uid"].as_str().unwrap().to_string();
        let owned = Api::<ConfigMap>::namespaced(client, "default")
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .flat_map(|config| config.metadata.owner_references.unwrap_or_default())
            .find(|owner| owner.uid == uid)
            .expect("a ConfigMap owned by the object");
        assert_eq!(
            (owned.kind.as_str(), owned.controller),
            (K::kind(&()).as_ref(), Some(true))
        );
    }
}

/// Creates `object`, reconciles it, and checks the promise of a `create api --image`
/// reconciler: a Deployment of the object's name that the object controls; then deletes the
/// object and checks that reconciling the deletion deletes the Deployment and lets the
/// object go (its finalizer removed).
// TODO(user): extend it as the reconciler grows.
#[allow(dead_code)]
pub async fn runs_its_image<K, F, Fut>(object: K, controller_name: &str, reconcile: F)
where
    K: Resource<DynamicType = (), Scope = NamespaceResourceScope>
        + Clone
        + Debug
        + Serialize
        + DeserializeOwned,
    F: Fn(Arc<K>, Arc<Context>) -> Fut,
    Fut: Future<Output = Result<Action, ReconcileError>>,
{
    let env = start_control_plane();
    let client = env.client().unwrap();
    let objects: Api<K> = Api::namespaced(client.clone(), "default");
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let name = object.name_any();
    objects
        .create(&PostParams::default(), &object)
        .await
        .unwrap();
    let context = Arc::new(Context::new(client.clone(), controller_name));
    // The first reconcile adds the finalizer; the next one runs the image.
    for _ in 0..2 {
        let current = objects.get(&name).await.unwrap();
        reconcile(Arc::new(current), context.clone()).await.unwrap();
    }
    let uid = objects.get(&name).await.unwrap().uid().unwrap();
    let deployment = deployments
        .get(&name)
        .await
        .expect("the Deployment of the object");
    let owner = deployment
        .metadata
        .owner_references
        .unwrap_or_default()
        .into_iter()
        .find(|owner| owner.uid == uid)
        .expect("the Deployment is owned by the object");
    assert_eq!(
        (owner.kind.as_str(), owner.controller),
        (K::kind(&()).as_ref(), Some(true))
    );

    objects
        .delete(&name, &DeleteParams::default())
        .await
        .unwrap();
    let deleting = objects.get(&name).await.expect("held by the finalizer");
    assert!(deleting.meta().deletion_timestamp.is_some());
    reconcile(Arc::new(deleting), context).await.unwrap();
    assert!(
        deployments.get_opt(&name).await.unwrap().is_none(),
        "the Deployment is deleted"
    );
    assert!(
        objects.get_opt(&name).await.unwrap().is_none(),
        "the object is gone"
    );
}

/// A Guestbook is reconciled to Ready=True once what it owns exists.
#[tokio::test]
async fn guestbook_reconciles_to_ready() {
    let spec = api::webapp::v1::GuestbookSpec { replicas: Some(1) };
    reconciles_to_ready(
        api::webapp::v1::Guestbook::new("test", spec),
        controller::guestbook::NAME,
        controller::guestbook::reconcile,
    )
    .await;
}

/// A Policy is reconciled to Ready=True once what it owns exists.
#[tokio::test]
async fn policy_reconciles_to_ready() {
    let spec = api::infra::v1alpha1::PolicySpec { replicas: Some(1) };
    reconciles_to_ready(
        api::infra::v1alpha1::Policy::new("test", spec),
        controller::policy::NAME,
        controller::policy::reconcile,
    )
    .await;
}

/// A Memcached runs its image as a Deployment it owns, deleted with it.
#[tokio::test]
async fn memcached_runs_its_image() {
    let spec = api::cache::v1alpha1::MemcachedSpec {
        replicas: Some(1),
        container_port: None,
    };
    runs_its_image(
        api::cache::v1alpha1::Memcached::new("test", spec),
        controller::memcached::NAME,
        controller::memcached::reconcile,
    )
    .await;
}
// +cargo-operator:scaffold:controller-tests
