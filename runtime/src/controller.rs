//! [`Controller`]: one reconciler for one kind, run by the manager on kube-runtime's
//! controller with the safety nets a production operator needs — metrics, panic recovery,
//! Warning events on errors (rate limited) and per-object exponential backoff — and a watch
//! cache on a diet: objects are stored without `metadata.managedFields` and kubectl's
//! last-applied annotation unless told otherwise ([`strip_managed_fields`]).

use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use kube::Client;
use kube::core::Resource;
use kube_runtime::controller::{
    Action, Config as RuntimeConfig, ReconcileRequest, applier, trigger_owners, trigger_self,
    trigger_with,
};
use kube_runtime::events::EventType;
use kube_runtime::reflector::{self, ObjectRef, reflector};
use kube_runtime::utils::{Backoff, CancelableJoinHandle, ResetTimerBackoff, StreamBackoff};
use kube_runtime::{WatchStreamExt, watcher};
use serde::de::DeserializeOwned;
use tracing::{Instrument, debug, error, info, info_span, warn};

use crate::context::Context;
use crate::error::ReconcileError;
use crate::leader::Leadership;
use crate::metrics::{ControllerMetrics, Metrics, ReconcileResult};
use crate::scope::ApiScope;
use crate::shutdown::Shutdown;
use crate::workqueue::QueueKey;

/// controller-runtime's default per-item backoff: 5 ms doubling up to 1000 s.
pub const DEFAULT_ERROR_BACKOFF_BASE: Duration = Duration::from_millis(5);
/// See [`DEFAULT_ERROR_BACKOFF_BASE`].
pub const DEFAULT_ERROR_BACKOFF_MAX: Duration = Duration::from_secs(1000);
/// At most one Warning event per object and reason in this interval, so a failing object in a
/// hot loop cannot flood the API server with events.
pub const DEFAULT_WARNING_EVENT_INTERVAL: Duration = Duration::from_secs(30);
/// The longest a watch waits before it tries the API server again after losing it (an outage,
/// a restart): retries start at 0.8 s and double up to this cap, each up to half again longer
/// at random so that many watches do not retry in step. So an object created once the API
/// server is back is seen within 1.5 × this, plus the time of one list.
pub const WATCH_BACKOFF_MAX: Duration = Duration::from_secs(5);
const WATCH_BACKOFF_BASE: Duration = Duration::from_millis(800);
/// A watch that has worked this long starts its backoff over.
const WATCH_BACKOFF_RESET: Duration = Duration::from_secs(120);

/// A Warning event that the API server does not take within this time is dropped, so that a
/// slow API server does not hold a worker.
const EVENT_PUBLISH_TIMEOUT: Duration = Duration::from_secs(10);

type ReconcileFn<K> = Arc<
    dyn Fn(Arc<K>, Arc<Context>) -> BoxFuture<'static, Result<Action, ReconcileError>>
        + Send
        + Sync,
>;
/// Watches one more kind (owned, or mapped) and turns its changes into reconcile requests;
/// called with the client, the controller's namespace (`None`: all) and whether to strip
/// managed fields from what it watches.
type TriggerFn<K> = Box<dyn FnOnce(&Client, Option<&str>, bool) -> TriggerStream<K> + Send>;
/// A function every object of a kind goes through before it is cached and handed on.
type CacheTransform<K> = Arc<dyn Fn(&mut K) + Send + Sync>;

/// The annotation `kubectl apply` (client-side) keeps the whole applied object in.
pub const LAST_APPLIED_CONFIG_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The default cache transform: removes `metadata.managedFields` and the
/// [`LAST_APPLIED_CONFIG_ANNOTATION`] from `obj` (the annotation map becomes `None` when
/// nothing else is left in it). Both are bookkeeping of the API server and of kubectl that a
/// reconciler does not read, and often half of a cached object's memory; a controller's own
/// server-side applies ([`Context::apply`]) do not need them either: the API server keeps
/// every manager's fields itself.
///
/// Every watched object goes through it unless the controller says
/// [`keep_managed_fields`](Controller::keep_managed_fields); a
/// [`cache_transform`](Controller::cache_transform) of your own can call it too.
/// controller-runtime's counterpart is `cache.TransformStripManagedFields()` as
/// `DefaultTransform`.
pub fn strip_managed_fields<K: Resource>(obj: &mut K) {
    let meta = obj.meta_mut();
    meta.managed_fields = None;
    if let Some(annotations) = meta.annotations.as_mut() {
        annotations.remove(LAST_APPLIED_CONFIG_ANNOTATION);
        if annotations.is_empty() {
            meta.annotations = None;
        }
    }
}
type TriggerStream<K> = BoxStream<'static, Result<ReconcileRequest<K>, watcher::Error>>;

/// The bounds every watched kind needs; any `#[derive(CustomResource)]` type and any
/// k8s-openapi type meets them.
pub trait ControllerResource:
    Resource<DynamicType = (), Scope: ApiScope>
    + Clone
    + DeserializeOwned
    + Debug
    + Send
    + Sync
    + 'static
{
}
impl<K> ControllerResource for K where
    K: Resource<DynamicType = (), Scope: ApiScope>
        + Clone
        + DeserializeOwned
        + Debug
        + Send
        + Sync
        + 'static
{
}

/// A reconciler for the kind `K`, watched in all namespaces (or in one, see
/// [`namespace`](Controller::namespace)). Build it, then hand it to
/// [`Manager::add_controller`](crate::Manager::add_controller).
pub struct Controller<K: ControllerResource> {
    name: String,
    reconcile: ReconcileFn<K>,
    max_concurrent_reconciles: Option<u16>,
    backoff_base: Duration,
    backoff_max: Duration,
    warning_event_interval: Duration,
    watcher_config: watcher::Config,
    namespace: Option<String>,
    triggers: Vec<TriggerFn<K>>,
    cache_transform: Option<CacheTransform<K>>,
    keep_managed_fields: bool,
}

impl<K: ControllerResource> Controller<K> {
    /// A controller called `name` (the `controller` label of its metrics and the reporting
    /// controller of its events) that calls `reconcile` for every change of a `K`.
    pub fn new<F, Fut>(name: impl Into<String>, reconcile: F) -> Self
    where
        F: Fn(Arc<K>, Arc<Context>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Action, ReconcileError>> + Send + 'static,
    {
        Self {
            name: name.into(),
            reconcile: Arc::new(move |obj, ctx| reconcile(obj, ctx).boxed()),
            max_concurrent_reconciles: None,
            backoff_base: DEFAULT_ERROR_BACKOFF_BASE,
            backoff_max: DEFAULT_ERROR_BACKOFF_MAX,
            warning_event_interval: DEFAULT_WARNING_EVENT_INTERVAL,
            watcher_config: watcher::Config::default(),
            namespace: None,
            triggers: Vec::new(),
            cache_transform: None,
            keep_managed_fields: false,
        }
    }

    /// The controller's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Also reconcile the owner `K` when a `C` it owns (by `ownerReferences` with
    /// `controller: true`) changes (controller-runtime's `Owns`). Set the reference with
    /// [`owner::set_controller_reference`](crate::owner::set_controller_reference).
    #[must_use]
    pub fn owns<C: ControllerResource>(self) -> Self {
        self.owns_with::<C>(watcher::Config::default())
    }

    /// [`owns`](Self::owns), watching only the `C`s that `config` selects (e.g. by label).
    #[must_use]
    pub fn owns_with<C: ControllerResource>(mut self, config: watcher::Config) -> Self {
        self.triggers
            .push(Box::new(move |client, namespace, strip| {
                let children =
                    watcher::watcher(C::Scope::watch_api::<C>(client.clone(), namespace), config)
                        .modify(move |child: &mut C| {
                            if strip {
                                strip_managed_fields(child)
                            }
                        });
                trigger_owners(children.touched_objects(), (), ()).boxed()
            }));
        self
    }

    /// Also reconcile the `K`s that `mapper` names whenever a `C` changes
    /// (controller-runtime's `Watches` with `EnqueueRequestsFromMapFunc`): e.g. every
    /// `Guestbook` that refers to a changed `Secret`.
    #[must_use]
    pub fn watches<C, I, F>(self, mapper: F) -> Self
    where
        C: ControllerResource,
        F: Fn(C) -> I + Send + Sync + 'static,
        I: IntoIterator<Item = ObjectRef<K>> + Send + 'static,
        I::IntoIter: Send,
    {
        self.watches_with(watcher::Config::default(), mapper)
    }

    /// [`watches`](Self::watches), watching only the `C`s that `config` selects.
    #[must_use]
    pub fn watches_with<C, I, F>(mut self, config: watcher::Config, mapper: F) -> Self
    where
        C: ControllerResource,
        F: Fn(C) -> I + Send + Sync + 'static,
        I: IntoIterator<Item = ObjectRef<K>> + Send + 'static,
        I::IntoIter: Send,
    {
        self.triggers
            .push(Box::new(move |client, namespace, strip| {
                let changed =
                    watcher::watcher(C::Scope::watch_api::<C>(client.clone(), namespace), config)
                        .modify(move |object: &mut C| {
                            if strip {
                                strip_managed_fields(object)
                            }
                        });
                trigger_with(changed.touched_objects(), mapper).boxed()
            }));
        self
    }

    /// How many objects may be reconciled at once (default: the manager's
    /// `--max-concurrent-reconciles`). One object is never reconciled twice at once.
    #[must_use]
    pub fn max_concurrent_reconciles(mut self, n: u16) -> Self {
        self.max_concurrent_reconciles = Some(n.max(1));
        self
    }

    /// Requeue delay after consecutive failures of one object: `base * 2^(failures-1)`, at
    /// most `max`; reset by a success.
    #[must_use]
    pub fn error_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max.max(base);
        self
    }

    /// Minimum interval between two Warning events for the same object and reason.
    #[must_use]
    pub fn warning_event_interval(mut self, interval: Duration) -> Self {
        self.warning_event_interval = interval;
        self
    }

    /// Watches (and so reconciles) only the objects in `namespace`, and only the owned and
    /// watched objects there too: an operator installed per namespace needs only a Role in
    /// it, not a ClusterRole.
    #[must_use]
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Restricts the watch of `K` (label or field selectors, page size, ...).
    #[must_use]
    pub fn watcher_config(mut self, config: watcher::Config) -> Self {
        self.watcher_config = config;
        self
    }

    /// Replaces the default cache transform of `K` ([`strip_managed_fields`]) with
    /// `transform`: every `K` the watch receives goes through it before it is stored in the
    /// cache and handed to the reconciler, e.g. to drop a large field the reconciler never
    /// reads (controller-runtime's per-object cache `Transform`). Call
    /// [`strip_managed_fields`] in it to keep the default diet too. Owned and watched kinds
    /// keep the default (see [`keep_managed_fields`](Self::keep_managed_fields)).
    #[must_use]
    pub fn cache_transform(mut self, transform: impl Fn(&mut K) + Send + Sync + 'static) -> Self {
        self.cache_transform = Some(Arc::new(transform));
        self
    }

    /// Turns the default cache transform off for `K` and for every owned and watched kind:
    /// objects keep `metadata.managedFields` and the [`LAST_APPLIED_CONFIG_ANNOTATION`], for
    /// a reconciler that reads them or that writes whole cached objects back with an update
    /// (`Api::replace`), which would otherwise remove the annotation from the stored object.
    /// A [`cache_transform`](Self::cache_transform) still applies to `K`.
    #[must_use]
    pub fn keep_managed_fields(mut self) -> Self {
        self.keep_managed_fields = true;
        self
    }

    /// The reconcile function wrapped in everything the manager adds around it. The manager
    /// uses this; tests can call [`InstrumentedReconciler::reconcile`] directly.
    pub fn reconciler(&self, ctx: Arc<Context>, metrics: &Metrics) -> InstrumentedReconciler<K> {
        InstrumentedReconciler {
            name: self.name.clone(),
            reconcile: self.reconcile.clone(),
            ctx,
            metrics: metrics.controller(&self.name),
            backoff_base: self.backoff_base,
            backoff_max: self.backoff_max,
            warning_event_interval: self.warning_event_interval,
            failures: Mutex::default(),
            warning_events: Mutex::default(),
        }
    }
}

/// A controller with its kind erased, so that the manager can hold controllers of different
/// kinds in one list.
pub(crate) trait RunnableController: Send {
    fn name(&self) -> &str;
    /// `(group, plural, namespace)` of the watched kind, for the RBAC preflight.
    fn resource(&self) -> (String, String, Option<String>);
    fn run(
        self: Box<Self>,
        client: Client,
        metrics: &Metrics,
        default_concurrency: u16,
        shutdown: Shutdown,
        leadership: Leadership,
    ) -> BoxFuture<'static, ()>;
}

impl<K: ControllerResource> RunnableController for Controller<K> {
    fn name(&self) -> &str {
        &self.name
    }

    fn resource(&self) -> (String, String, Option<String>) {
        (
            K::group(&()).into_owned(),
            K::plural(&()).into_owned(),
            self.namespace.clone(),
        )
    }

    fn run(
        self: Box<Self>,
        client: Client,
        metrics: &Metrics,
        default_concurrency: u16,
        shutdown: Shutdown,
        leadership: Leadership,
    ) -> BoxFuture<'static, ()> {
        let this = *self;
        let concurrency = this
            .max_concurrent_reconciles
            .unwrap_or(default_concurrency)
            .max(1);
        let ctx = Arc::new(Context::new(client.clone(), this.name.clone()));
        let reconciler = Arc::new(this.reconciler(ctx, metrics));
        reconciler
            .metrics
            .set_max_concurrent_reconciles(concurrency);

        // kube-runtime's `applier` rather than its `Controller`, which is the same machine
        // with its queue input hidden: owning the trigger stream is what lets `workqueue_*`
        // count adds and depth (see `crate::workqueue`).
        let strip = !this.keep_managed_fields;
        let transform = this.cache_transform;
        let (store, writer) = reflector::store();
        let mut triggers = vec![
            trigger_self(
                reflector(
                    writer,
                    watcher::watcher(
                        K::Scope::watch_api::<K>(client.clone(), this.namespace.as_deref()),
                        this.watcher_config,
                    )
                    // Before the store: what the cache keeps is what the reconciler gets.
                    .modify(move |obj: &mut K| match &transform {
                        Some(transform) => transform(obj),
                        None if strip => strip_managed_fields(obj),
                        None => {}
                    }),
                )
                .applied_objects(),
                (),
            )
            .boxed(),
        ];
        for trigger in this.triggers {
            triggers.push(trigger(&client, this.namespace.as_deref(), strip));
        }
        // Each watch backs off on its own: one failing watch must not pause the others.
        let triggers = triggers
            .into_iter()
            .map(|trigger| StreamBackoff::new(trigger, watch_backoff()).boxed());
        let queue = Arc::new(metrics.workqueue(&this.name));
        let added = queue.clone();
        let triggers = futures::stream::select_all(triggers)
            .inspect_ok(move |request| added.add(queue_key(&request.obj_ref)))
            // On shutdown the queue ends: kube-runtime takes no new work and waits for the
            // reconciles in flight.
            .take_until(shutdown.wait());
        let name = this.name;
        async move {
            info!(controller = %name, concurrency, "starting controller");
            let reconcile = {
                let queue = queue.clone();
                move |obj: Arc<K>, reconciler: Arc<InstrumentedReconciler<K>>| {
                    let (leadership, queue) = (leadership.clone(), queue.clone());
                    // Each reconcile is its own task, as kube-runtime's `Controller` runs them,
                    // so that concurrent reconciles use every core; dropping it cancels it.
                    CancelableJoinHandle::spawn(
                        async move {
                            let processing = queue.start(queue_key(&ObjectRef::from_obj(&*obj)));
                            // The fence: work queued while this process was frozen must not
                            // run once another candidate may lead. The manager stops the
                            // controller as soon as the elector notices; until then, skip.
                            let result = if leadership.is_valid() {
                                reconciler.reconcile(obj).await
                            } else {
                                warn!(object = %ObjectRef::from_obj(&*obj),
                                      "leadership not confirmed within the renew deadline; not reconciling");
                                Ok(Action::requeue(Duration::from_secs(1)))
                            };
                            drop(processing);
                            if matches!(&result, Err(failure) if failure.requeue_after.is_some()) {
                                queue.retry();
                            }
                            result
                        }
                        .in_current_span(),
                        &tokio::runtime::Handle::current(),
                    )
                }
            };
            applier(
                reconcile,
                |_obj, failure: &ReconcileFailure, _| failure.action(),
                reconciler,
                store,
                triggers,
                RuntimeConfig::default().concurrency(concurrency),
            )
            .for_each(|result| {
                if let Err(error) = result {
                    match error {
                        // Already logged, counted and evented by the reconciler wrapper.
                        kube_runtime::controller::Error::ReconcilerFailed(..) => {}
                        // Usually a deleted object still in the queue; harmless.
                        kube_runtime::controller::Error::ObjectNotFound(obj) => {
                            queue.forget(&queue_key(&obj));
                            debug!(controller = %name, object = %obj, "object gone before reconcile");
                        }
                        other => {
                            warn!(controller = %name, error = %other, "controller watch error (retrying)");
                        }
                    }
                }
                futures::future::ready(())
            })
            .await;
            info!(controller = %name, "controller stopped");
        }
        .boxed()
    }
}

fn queue_key<K: Resource>(obj: &ObjectRef<K>) -> QueueKey {
    (obj.namespace.clone(), obj.name.clone())
}

/// See [`WATCH_BACKOFF_MAX`].
fn watch_backoff() -> ResetTimerBackoff<WatchBackoff> {
    ResetTimerBackoff::new(WatchBackoff::default(), WATCH_BACKOFF_RESET)
}

/// Exponential, capped and jittered (kube-runtime's own is not configurable from outside).
#[derive(Debug, Default)]
struct WatchBackoff {
    last: Option<Duration>,
}

impl Iterator for WatchBackoff {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        let delay = self
            .last
            .map_or(WATCH_BACKOFF_BASE, |last| (last * 2).min(WATCH_BACKOFF_MAX));
        self.last = Some(delay);
        // Up to half again, at random: std's hasher seeds are random per process and call.
        use std::hash::{BuildHasher, Hasher};
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Some(delay + delay.mul_f64((random % 1000) as f64 / 2000.0))
    }
}

impl Backoff for WatchBackoff {
    fn reset(&mut self) {
        self.last = None;
    }
}

/// A reconcile function wrapped with metrics, panic recovery, Warning events and backoff.
pub struct InstrumentedReconciler<K: ControllerResource> {
    name: String,
    reconcile: ReconcileFn<K>,
    ctx: Arc<Context>,
    metrics: ControllerMetrics,
    backoff_base: Duration,
    backoff_max: Duration,
    warning_event_interval: Duration,
    /// Consecutive failures per object; the entry is removed on success.
    failures: Mutex<HashMap<ObjectRef<K>, u32>>,
    /// When a Warning event was last published per object and reason.
    warning_events: Mutex<HashMap<(ObjectRef<K>, &'static str), Instant>>,
}

/// Why a reconcile failed, as kube-runtime sees it; carries the requeue the backoff chose.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ReconcileFailure {
    /// The error (or panic) message.
    pub message: String,
    /// Whether the reconcile panicked.
    pub panicked: bool,
    /// When to retry; `None` for a terminal error (retry only when the object changes).
    pub requeue_after: Option<Duration>,
}

impl ReconcileFailure {
    /// The action kube-runtime's error policy takes for this failure.
    pub fn action(&self) -> Action {
        match self.requeue_after {
            Some(after) => Action::requeue(after),
            None => Action::await_change(),
        }
    }
}

impl<K: ControllerResource> InstrumentedReconciler<K> {
    /// The context reconciles get.
    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }

    /// Runs one reconcile of `obj`: never panics, records metrics, and on failure logs,
    /// publishes a (rate-limited) Warning event and picks the backoff.
    pub async fn reconcile(&self, obj: Arc<K>) -> Result<Action, ReconcileFailure> {
        let key = ObjectRef::from_obj(&*obj);
        let span = info_span!("reconcile", controller = %self.name, object = %key);
        self.reconcile_inner(obj, key).instrument(span).await
    }

    async fn reconcile_inner(
        &self,
        obj: Arc<K>,
        key: ObjectRef<K>,
    ) -> Result<Action, ReconcileFailure> {
        let _worker = self.metrics.active_worker();
        let started = Instant::now();
        let reconcile = self.reconcile.clone();
        let (object, ctx) = (obj.clone(), self.ctx.clone());
        // The call itself is inside the async block so that a panic while creating the future
        // is caught as well as one while polling it.
        let outcome = AssertUnwindSafe(async move { reconcile(object, ctx).await })
            .catch_unwind()
            .await;
        let seconds = started.elapsed().as_secs_f64();

        match outcome {
            Ok(Ok(action)) => {
                self.lock_failures().remove(&key);
                let result = if action == Action::await_change() {
                    ReconcileResult::Success
                } else {
                    ReconcileResult::RequeueAfter
                };
                self.metrics.reconcile_finished(result, seconds);
                debug!(?action, seconds, "reconcile succeeded");
                Ok(action)
            }
            Ok(Err(err)) => {
                self.metrics
                    .reconcile_finished(ReconcileResult::Error, seconds);
                let message = err.chain_message();
                let requeue_after = if err.is_terminal() {
                    self.metrics.terminal_error();
                    self.lock_failures().remove(&key);
                    None
                } else {
                    Some(self.next_backoff(&key))
                };
                error!(error = %message, terminal = err.is_terminal(), ?requeue_after, "reconciler error");
                self.warn(&obj, &key, "ReconcileError", &message).await;
                Err(ReconcileFailure {
                    message,
                    panicked: false,
                    requeue_after,
                })
            }
            Err(panic) => {
                self.metrics.panicked();
                self.metrics
                    .reconcile_finished(ReconcileResult::Error, seconds);
                let message = format!("panic: {} [recovered]", panic_message(&*panic));
                let requeue_after = Some(self.next_backoff(&key));
                error!(error = %message, ?requeue_after, "reconciler panicked");
                self.warn(&obj, &key, "ReconcilePanic", &message).await;
                Err(ReconcileFailure {
                    message,
                    panicked: true,
                    requeue_after,
                })
            }
        }
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, HashMap<ObjectRef<K>, u32>> {
        // A poisoned map only means a panic elsewhere mid-update; the counts are still usable.
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one more failure of `key` and returns how long to wait before retrying it.
    fn next_backoff(&self, key: &ObjectRef<K>) -> Duration {
        let mut failures = self.lock_failures();
        let count = failures.entry(key.clone()).or_insert(0);
        *count = count.saturating_add(1);
        let factor = 2u32.saturating_pow((*count - 1).min(31));
        self.backoff_base
            .saturating_mul(factor)
            .min(self.backoff_max)
    }

    /// Publishes a Warning event unless one with the same reason went out for this object
    /// within the interval.
    async fn warn(&self, obj: &K, key: &ObjectRef<K>, reason: &'static str, message: &str) {
        let now = Instant::now();
        {
            let mut sent = self
                .warning_events
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let slot = (key.clone(), reason);
            if let Some(last) = sent.get(&slot)
                && now.duration_since(*last) < self.warning_event_interval
            {
                debug!(reason, "Warning event suppressed (rate limit)");
                return;
            }
            // Forget objects whose last event is long past, so the map stays small.
            if sent.len() > 4096 {
                let interval = self.warning_event_interval;
                sent.retain(|_, last| now.duration_since(*last) < interval);
            }
            sent.insert(slot, now);
        }
        let publish = self.ctx.publish_event(
            obj,
            EventType::Warning,
            reason,
            "Reconcile",
            Some(message.to_string()),
        );
        match tokio::time::timeout(EVENT_PUBLISH_TIMEOUT, publish).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => warn!(error = %e, "cannot publish Warning event"),
            Err(_) => warn!("cannot publish Warning event: API server did not answer in time"),
        }
    }
}

/// The text of a panic payload (`panic!("...")` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}
