//! client-go's workqueue metrics (`workqueue_*`, under the names, labels and buckets
//! controller-runtime registers) for kube-runtime's scheduler, which keeps its queue private.
//!
//! [`WorkQueue`] replays client-go's bookkeeping beside kube-runtime: an object is *dirty*
//! from its first add until a worker takes it (adds of an object that is already dirty are
//! merged, in both queues), then *processing* until its reconcile returns. Adds are seen where
//! they enter kube-runtime, on the trigger stream of watch events (of the kind and of the kinds
//! it owns). Requeues (`Action::requeue`, the error backoff) are scheduled inside kube-runtime
//! where nothing can watch them, so a requeue is counted as an add when its reconcile starts:
//! its wait for a free worker is not in `workqueue_queue_duration_seconds` nor in the depth.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Instant;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// client-go's workqueue buckets, `prometheus.ExponentialBuckets(10e-9, 10, 12)`: 10 ns to
/// 1000 s.
pub const WORKQUEUE_BUCKETS: [f64; 12] = [
    1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, 1000.0,
];

/// An object in the queue: kube-runtime's queue holds one kind, so namespace and name.
pub(crate) type QueueKey = (Option<String>, String);

/// `name` is the queue, `controller` the controller; controller-runtime names its queue after
/// the controller, so both carry the controller's name.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    name: String,
    controller: String,
}

/// The depth also has `priority`, empty for a queue without priorities (as ours).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DepthLabels {
    name: String,
    controller: String,
    priority: String,
}

type HistogramFamily = Family<QueueLabels, Histogram, fn() -> Histogram>;
/// Every live queue of a registry, by labels.
type QueueList = Arc<Mutex<Vec<(QueueLabels, Weak<Mutex<QueueState>>)>>>;

/// The workqueue metric families of one registry.
#[derive(Clone)]
pub(crate) struct WorkQueueFamilies {
    depth: Family<DepthLabels, Gauge>,
    adds: Family<QueueLabels, Counter>,
    queue_duration: HistogramFamily,
    work_duration: HistogramFamily,
    retries: Family<QueueLabels, Counter>,
    /// The queues whose in-flight work `unfinished_work_seconds` and
    /// `longest_running_processor_seconds` report; read at scrape time.
    queues: QueueList,
}

impl WorkQueueFamilies {
    /// Creates the families and registers them (prometheus-client appends `_total` to
    /// counters itself).
    pub(crate) fn register(registry: &mut Registry) -> Self {
        let families = Self {
            depth: Family::default(),
            adds: Family::default(),
            queue_duration: Family::new_with_constructor(|| Histogram::new(WORKQUEUE_BUCKETS)),
            work_duration: Family::new_with_constructor(|| Histogram::new(WORKQUEUE_BUCKETS)),
            retries: Family::default(),
            queues: Arc::default(),
        };
        registry.register(
            "workqueue_depth",
            "Current depth of workqueue by workqueue and priority",
            families.depth.clone(),
        );
        registry.register(
            "workqueue_adds",
            "Total number of adds handled by workqueue",
            families.adds.clone(),
        );
        registry.register(
            "workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested",
            families.queue_duration.clone(),
        );
        registry.register(
            "workqueue_work_duration_seconds",
            "How long in seconds processing an item from workqueue takes.",
            families.work_duration.clone(),
        );
        registry.register(
            "workqueue_retries",
            "Total number of retries handled by workqueue",
            families.retries.clone(),
        );
        registry.register_collector(Box::new(InFlightCollector {
            queues: families.queues.clone(),
        }));
        families
    }

    /// The queue of the controller `controller`, its series exported as 0 from the start.
    pub(crate) fn queue(&self, controller: &str) -> WorkQueue {
        let labels = QueueLabels {
            name: controller.to_string(),
            controller: controller.to_string(),
        };
        let depth = self.depth.get_or_create_owned(&DepthLabels {
            name: controller.to_string(),
            controller: controller.to_string(),
            priority: String::new(),
        });
        let state = Arc::new(Mutex::new(QueueState::default()));
        let mut queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        // A controller that ran before under this name (a restarted manager) is replaced.
        queues.retain(|(l, q)| l != &labels && q.strong_count() > 0);
        queues.push((labels.clone(), Arc::downgrade(&state)));
        WorkQueue {
            depth,
            adds: self.adds.get_or_create_owned(&labels),
            queue_duration: self.queue_duration.get_or_create_owned(&labels),
            work_duration: self.work_duration.get_or_create_owned(&labels),
            retries: self.retries.get_or_create_owned(&labels),
            state,
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct QueueState {
    /// Added and not yet taken by a worker, with the time of the first add.
    dirty: HashMap<QueueKey, Instant>,
    /// Being reconciled, since when.
    processing: HashMap<QueueKey, Instant>,
}

impl QueueState {
    /// A map keeps the room of its largest size: after the burst of the initial list (one
    /// entry per object), an emptied queue gives that room back instead of holding about
    /// 100 bytes per cached object for good. `true` when a burst ended so: the caller
    /// [returns](crate::memory::return_freed) what it freed, once its lock is released.
    fn release_drained(&mut self) -> bool {
        const KEPT: usize = 64;
        let burst_over = self.dirty.is_empty() && self.dirty.capacity() > KEPT;
        if burst_over {
            self.dirty.shrink_to(KEPT);
        }
        burst_over
    }
}

/// The bookkeeping of one controller's queue.
#[derive(Debug)]
pub(crate) struct WorkQueue {
    depth: Gauge,
    adds: Counter,
    queue_duration: Histogram,
    work_duration: Histogram,
    retries: Counter,
    state: Arc<Mutex<QueueState>>,
}

impl WorkQueue {
    /// A reconcile of `key` was requested (a watch event of the object or of one it owns).
    pub(crate) fn add(&self, key: QueueKey) {
        let mut state = self.lock();
        if state.dirty.contains_key(&key) {
            return;
        }
        state.dirty.insert(key, Instant::now());
        self.adds.inc();
        self.depth.inc();
    }

    /// A worker took `key` and starts reconciling it; the reconcile is done when the returned
    /// guard is dropped (also when the reconcile is cancelled). A start without a seen add is
    /// a requeue kube-runtime scheduled on its own; it counts as an add made just now.
    pub(crate) fn start(self: &Arc<Self>, key: QueueKey) -> Processing {
        self.take(key.clone());
        Processing {
            queue: self.clone(),
            key,
        }
    }

    fn take(&self, key: QueueKey) {
        let now = Instant::now();
        let mut state = self.lock();
        let burst_over = match state.dirty.remove(&key) {
            Some(added) => {
                self.depth.dec();
                self.queue_duration
                    .observe(now.duration_since(added).as_secs_f64());
                state.release_drained()
            }
            None => {
                self.adds.inc();
                self.queue_duration.observe(0.0);
                false
            }
        };
        state.processing.insert(key, now);
        drop(state);
        if burst_over {
            crate::memory::return_freed();
        }
    }

    fn done(&self, key: &QueueKey) {
        if let Some(started) = self.lock().processing.remove(key) {
            self.work_duration.observe(started.elapsed().as_secs_f64());
        }
    }

    /// A failed reconcile is retried with backoff (client-go's `AddRateLimited`).
    pub(crate) fn retry(&self) {
        self.retries.inc();
    }

    /// `key` left the queue without a reconcile: the object was deleted before its turn.
    pub(crate) fn forget(&self, key: &QueueKey) {
        let mut state = self.lock();
        if let Some(added) = state.dirty.remove(key) {
            self.depth.dec();
            self.queue_duration.observe(added.elapsed().as_secs_f64());
            if state.release_drained() {
                drop(state);
                crate::memory::return_freed();
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One object being reconciled; dropping it marks the work done.
#[derive(Debug)]
pub(crate) struct Processing {
    queue: Arc<WorkQueue>,
    key: QueueKey,
}

impl Drop for Processing {
    fn drop(&mut self) {
        self.queue.done(&self.key);
    }
}

/// `workqueue_unfinished_work_seconds` and `workqueue_longest_running_processor_seconds`,
/// computed from the reconciles in flight when scraped (client-go refreshes them every 500 ms).
#[derive(Debug)]
struct InFlightCollector {
    queues: QueueList,
}

impl Collector for InFlightCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let now = Instant::now();
        let queues = self.queues.lock().unwrap_or_else(|e| e.into_inner());
        let in_flight: Vec<InFlight> = queues
            .iter()
            .filter_map(|(labels, state)| {
                let state = state.upgrade()?;
                let state = state.lock().unwrap_or_else(|e| e.into_inner());
                let running = state
                    .processing
                    .values()
                    .map(|started| now.duration_since(*started).as_secs_f64());
                let (total, longest) = running.fold((0.0, 0.0_f64), |(total, longest), s| {
                    (total + s, longest.max(s))
                });
                Some(InFlight {
                    labels,
                    total,
                    longest,
                })
            })
            .collect();
        encode_gauges(
            &mut encoder,
            "workqueue_unfinished_work_seconds",
            "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
            in_flight.iter().map(|q| (q.labels, q.total)),
        )?;
        encode_gauges(
            &mut encoder,
            "workqueue_longest_running_processor_seconds",
            "How many seconds has the longest running processor for workqueue been running.",
            in_flight.iter().map(|q| (q.labels, q.longest)),
        )?;
        Ok(())
    }
}

/// One gauge family with a series per queue.
fn encode_gauges<'a>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    series: impl Iterator<Item = (&'a QueueLabels, f64)>,
) -> Result<(), std::fmt::Error> {
    let gauge_type = ConstGauge::new(0.0).metric_type();
    let mut family = encoder.encode_descriptor(name, help, None, gauge_type)?;
    for (labels, value) in series {
        ConstGauge::new(value).encode(family.encode_family(labels)?)?;
    }
    Ok(())
}

/// One queue's reconciles in flight: their summed and their longest running time.
struct InFlight<'a> {
    labels: &'a QueueLabels,
    total: f64,
    longest: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> QueueKey {
        (Some("default".into()), name.into())
    }

    fn scrape(registry: &Registry) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, registry).unwrap();
        text
    }

    fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
        text.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} in\n{text}"))
    }

    #[test]
    fn a_drained_queue_gives_back_the_room_of_its_burst() {
        let mut registry = Registry::default();
        let queue = Arc::new(WorkQueueFamilies::register(&mut registry).queue("guestbook"));
        for n in 0..10_000 {
            queue.add(key(&format!("g{n}")));
        }
        assert!(queue.lock().dirty.capacity() >= 10_000);
        for n in 0..9_999 {
            drop(queue.start(key(&format!("g{n}"))));
        }
        assert!(queue.lock().dirty.capacity() >= 10_000, "not drained yet");
        queue.forget(&key("g9999"));
        assert!(queue.lock().dirty.capacity() <= 128);
    }

    #[test]
    fn follows_client_go_bookkeeping() {
        let mut registry = Registry::default();
        let families = WorkQueueFamilies::register(&mut registry);
        let queue = Arc::new(families.queue("guestbook"));
        let text = scrape(&registry);
        let labels = "{name=\"guestbook\",controller=\"guestbook\"}";
        assert!(
            text.contains(&format!("workqueue_adds_total{labels} 0")),
            "{text}"
        );
        assert!(
            text.contains(
                "workqueue_depth{name=\"guestbook\",controller=\"guestbook\",priority=\"\"} 0"
            ),
            "{text}"
        );

        // Two events for one object before a worker takes it: one add, as in client-go.
        queue.add(key("a"));
        queue.add(key("a"));
        queue.add(key("b"));
        let text = scrape(&registry);
        assert!(
            text.contains(&format!("workqueue_adds_total{labels} 2")),
            "{text}"
        );
        assert!(line(&text, "workqueue_depth{").ends_with(" 2"), "{text}");

        let processing = queue.start(key("a"));
        let text = scrape(&registry);
        assert!(line(&text, "workqueue_depth{").ends_with(" 1"));
        assert!(text.contains(&format!("workqueue_queue_duration_seconds_count{labels} 1")));
        let longest: f64 = line(&text, "workqueue_longest_running_processor_seconds{")
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(longest >= 0.0);

        // An event while `a` is processing makes it dirty again: counted, queued behind it.
        queue.add(key("a"));
        drop(processing);
        queue.retry();
        let text = scrape(&registry);
        assert!(
            text.contains(&format!("workqueue_adds_total{labels} 3")),
            "{text}"
        );
        assert!(line(&text, "workqueue_depth{").ends_with(" 2"));
        assert!(text.contains(&format!("workqueue_work_duration_seconds_count{labels} 1")));
        assert!(text.contains(&format!("workqueue_retries_total{labels} 1")));
        assert!(text.contains(&format!("workqueue_unfinished_work_seconds{labels} 0")));

        // A requeue kube-runtime scheduled itself is an add at its start; a deleted object
        // leaves the queue without work.
        let _c = queue.start(key("c"));
        queue.forget(&key("b"));
        let text = scrape(&registry);
        assert!(
            text.contains(&format!("workqueue_adds_total{labels} 4")),
            "{text}"
        );
        assert!(line(&text, "workqueue_depth{").ends_with(" 1"));
        assert!(text.contains(&format!("workqueue_queue_duration_seconds_count{labels} 3")));
    }

    #[test]
    fn a_restarted_controller_replaces_its_queue() {
        let mut registry = Registry::default();
        let families = WorkQueueFamilies::register(&mut registry);
        let first = Arc::new(families.queue("guestbook"));
        let second = Arc::new(families.queue("guestbook"));
        let _stale = first.start(key("stale"));
        let _x = second.start(key("x"));
        std::thread::sleep(std::time::Duration::from_millis(20));
        let text = scrape(&registry);
        let in_flight: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("workqueue_unfinished_work_seconds{"))
            .collect();
        assert_eq!(in_flight.len(), 1, "{text}");
    }
}
