//! A thin wrapper over kube-runtime's finalizer helper that speaks [`ReconcileError`].
//!
//! Use it when deleting a resource must clean something up outside the cluster (or in
//! another namespace): the finalizer is added before the first `Apply`, and removed after
//! `Cleanup` succeeds.

use std::fmt::Debug;
use std::future::Future;
use std::sync::Arc;

use kube::core::Resource;
use kube_runtime::controller::Action;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use kube_runtime::finalizer::Event;

use crate::context::Context;
use crate::error::ReconcileError;
use crate::scope::ApiScope;

/// Runs `reconcile` with `Event::Apply(obj)` or, once `obj` is being deleted, with
/// `Event::Cleanup(obj)`, adding and removing the finalizer `finalizer_name`
/// (e.g. `"webapp.example.com/cleanup"`) around them.
pub async fn finalizer<K, F, Fut>(
    ctx: &Context,
    finalizer_name: &str,
    obj: Arc<K>,
    reconcile: F,
) -> Result<Action, ReconcileError>
where
    K: Resource<DynamicType = ()> + Clone + DeserializeOwned + Serialize + Debug,
    K::Scope: ApiScope,
    F: FnOnce(Event<K>) -> Fut,
    Fut: Future<Output = Result<Action, ReconcileError>>,
{
    let api = ctx.api_for(&*obj);
    let result = kube_runtime::finalizer(&api, finalizer_name, obj, |event| async move {
        reconcile(event).await.map_err(Wrapped)
    })
    .await;
    result.map_err(|e| match e {
        kube_runtime::finalizer::Error::ApplyFailed(Wrapped(e))
        | kube_runtime::finalizer::Error::CleanupFailed(Wrapped(e)) => e,
        other => ReconcileError::msg(other),
    })
}

/// kube-runtime wants a `std::error::Error`, which [`ReconcileError`] is deliberately not.
#[derive(Debug)]
struct Wrapped(ReconcileError);

impl std::fmt::Display for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Wrapped {}
