//! Prometheus metrics under controller-runtime's names, labels and buckets, so that the
//! Grafana dashboards and alerts written for kubebuilder operators work unchanged.
//!
//! The definitions mirror `sigs.k8s.io/controller-runtime/pkg/internal/controller/metrics`,
//! its workqueue metrics (see [`crate::workqueue`]) and client-go's leader-election metric.
//! prometheus-client appends `_total` to counters itself, so counters are registered without
//! it.

use std::sync::{Arc, RwLock};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::workqueue::{WorkQueue, WorkQueueFamilies};

/// controller-runtime's `controller_runtime_reconcile_time_seconds` buckets.
pub const RECONCILE_TIME_BUCKETS: [f64; 40] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9,
    1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 15.0, 20.0,
    25.0, 30.0, 40.0, 50.0, 60.0,
];

/// The `result` label values of `controller_runtime_reconcile_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReconcileResult {
    /// Returned `Action::await_change()`.
    Success,
    /// Failed (error or panic).
    Error,
    /// Requeued with a rate limit (controller-runtime's `Requeue: true`; unused by kube-rs).
    Requeue,
    /// Returned `Action::requeue(duration)`.
    RequeueAfter,
}

impl ReconcileResult {
    fn label(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
            Self::Requeue => "requeue",
            Self::RequeueAfter => "requeue_after",
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ControllerLabels {
    controller: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ControllerResultLabels {
    controller: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookLabels {
    webhook: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookCodeLabels {
    webhook: String,
    code: String,
}

/// Prometheus' default buckets (`prometheus.DefBuckets`), which controller-runtime's
/// `controller_runtime_webhook_latency_seconds` uses.
pub const WEBHOOK_LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NameLabels {
    name: String,
}

type HistogramFamily = Family<ControllerLabels, Histogram, fn() -> Histogram>;
type WebhookHistogramFamily = Family<WebhookLabels, Histogram, fn() -> Histogram>;

/// The metrics registry of one manager, cheap to clone.
///
/// Register your own metrics with [`Metrics::with_registry`]; everything in the registry is
/// served on `/metrics`.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<RwLock<Registry>>,
    reconcile_total: Family<ControllerResultLabels, Counter>,
    reconcile_errors: Family<ControllerLabels, Counter>,
    terminal_reconcile_errors: Family<ControllerLabels, Counter>,
    reconcile_panics: Family<ControllerLabels, Counter>,
    reconcile_time: HistogramFamily,
    max_concurrent_reconciles: Family<ControllerLabels, Gauge>,
    active_workers: Family<ControllerLabels, Gauge>,
    leader_election_master_status: Family<NameLabels, Gauge>,
    webhook_requests: Family<WebhookCodeLabels, Counter>,
    webhook_latency: WebhookHistogramFamily,
    webhook_in_flight: Family<WebhookLabels, Gauge>,
    workqueue: WorkQueueFamilies,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A registry with controller-runtime's metrics and the process metrics.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let workqueue = WorkQueueFamilies::register(&mut registry);
        let metrics = Self {
            registry: Arc::default(),
            reconcile_total: Family::default(),
            reconcile_errors: Family::default(),
            terminal_reconcile_errors: Family::default(),
            reconcile_panics: Family::default(),
            reconcile_time: Family::new_with_constructor(|| Histogram::new(RECONCILE_TIME_BUCKETS)),
            max_concurrent_reconciles: Family::default(),
            active_workers: Family::default(),
            leader_election_master_status: Family::default(),
            webhook_requests: Family::default(),
            webhook_latency: Family::new_with_constructor(|| {
                Histogram::new(WEBHOOK_LATENCY_BUCKETS)
            }),
            webhook_in_flight: Family::default(),
            workqueue,
        };
        registry.register(
            "controller_runtime_reconcile",
            "Total number of reconciliations per controller",
            metrics.reconcile_total.clone(),
        );
        registry.register(
            "controller_runtime_reconcile_errors",
            "Total number of reconciliation errors per controller",
            metrics.reconcile_errors.clone(),
        );
        registry.register(
            "controller_runtime_terminal_reconcile_errors",
            "Total number of terminal reconciliation errors per controller",
            metrics.terminal_reconcile_errors.clone(),
        );
        registry.register(
            "controller_runtime_reconcile_panics",
            "Total number of reconciliation panics per controller",
            metrics.reconcile_panics.clone(),
        );
        registry.register(
            "controller_runtime_reconcile_time_seconds",
            "Length of time per reconciliation per controller",
            metrics.reconcile_time.clone(),
        );
        registry.register(
            "controller_runtime_max_concurrent_reconciles",
            "Maximum number of concurrent reconciles per controller",
            metrics.max_concurrent_reconciles.clone(),
        );
        registry.register(
            "controller_runtime_active_workers",
            "Number of currently used workers per controller",
            metrics.active_workers.clone(),
        );
        registry.register(
            "leader_election_master_status",
            "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
            metrics.leader_election_master_status.clone(),
        );
        registry.register(
            "controller_runtime_webhook_requests",
            "Total number of admission requests by HTTP status code.",
            metrics.webhook_requests.clone(),
        );
        registry.register(
            "controller_runtime_webhook_latency_seconds",
            "Histogram of the latency of processing admission requests",
            metrics.webhook_latency.clone(),
        );
        registry.register(
            "controller_runtime_webhook_requests_in_flight",
            "Current number of admission requests being served.",
            metrics.webhook_in_flight.clone(),
        );
        registry.register_collector(Box::new(ProcessCollector));
        *metrics.registry.write().expect("fresh lock") = registry;
        metrics
    }

    /// Runs `f` with the registry, e.g. to register the operator's own metrics.
    pub fn with_registry<R>(&self, f: impl FnOnce(&mut Registry) -> R) -> R {
        let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
        f(&mut registry)
    }

    /// The OpenMetrics text exposition of every registered metric — what `/metrics` serves.
    pub fn encode(&self) -> String {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry)
            .expect("writing to a String cannot fail");
        text
    }

    /// The handle one controller records its reconciles with.
    pub fn controller(&self, controller: &str) -> ControllerMetrics {
        let labels = ControllerLabels {
            controller: controller.to_string(),
        };
        // Touch every per-controller series so they are exported as 0 from the start, as
        // controller-runtime does; `rate()` and alerts then work from the first scrape.
        let _ = self.reconcile_errors.get_or_create(&labels);
        let _ = self.terminal_reconcile_errors.get_or_create(&labels);
        let _ = self.reconcile_panics.get_or_create(&labels);
        let _ = self.active_workers.get_or_create(&labels);
        for result in [
            ReconcileResult::Success,
            ReconcileResult::Error,
            ReconcileResult::Requeue,
            ReconcileResult::RequeueAfter,
        ] {
            let _ = self.reconcile_total.get_or_create(&ControllerResultLabels {
                controller: controller.to_string(),
                result: result.label().to_string(),
            });
        }
        ControllerMetrics {
            metrics: self.clone(),
            labels,
        }
    }

    /// The `workqueue_*` bookkeeping of one controller's queue.
    pub(crate) fn workqueue(&self, controller: &str) -> WorkQueue {
        self.workqueue.queue(controller)
    }

    /// Sets `leader_election_master_status{name}` (1 leading, 0 standby).
    pub fn set_leader(&self, lease_name: &str, leading: bool) {
        self.leader_election_master_status
            .get_or_create(&NameLabels {
                name: lease_name.to_string(),
            })
            .set(i64::from(leading));
    }

    /// The handle one webhook path records its requests with. Like controller-runtime, the
    /// series for the codes 200 and 500 and the in-flight gauge exist from the start.
    pub fn webhook(&self, path: &str) -> WebhookMetrics {
        let labels = WebhookLabels {
            webhook: path.to_string(),
        };
        for code in [200u16, 500] {
            let _ = self.webhook_requests.get_or_create(&WebhookCodeLabels {
                webhook: path.to_string(),
                code: code.to_string(),
            });
        }
        let _ = self.webhook_in_flight.get_or_create(&labels);
        let _ = self.webhook_latency.get_or_create(&labels);
        WebhookMetrics {
            metrics: self.clone(),
            labels,
        }
    }
}

/// The metrics of one webhook path: `controller_runtime_webhook_*`.
#[derive(Clone, Debug)]
pub struct WebhookMetrics {
    metrics: Metrics,
    labels: WebhookLabels,
}

impl WebhookMetrics {
    /// Counts a request in flight until the returned guard is dropped.
    pub fn in_flight(&self) -> InFlight {
        let gauge = self
            .metrics
            .webhook_in_flight
            .get_or_create_owned(&self.labels);
        gauge.inc();
        InFlight { gauge }
    }

    /// Records one answered request: its HTTP status code and how long it took.
    pub fn request_finished(&self, code: u16, seconds: f64) {
        self.metrics
            .webhook_requests
            .get_or_create(&WebhookCodeLabels {
                webhook: self.labels.webhook.clone(),
                code: code.to_string(),
            })
            .inc();
        self.metrics
            .webhook_latency
            .get_or_create(&self.labels)
            .observe(seconds);
    }
}

/// Keeps `controller_runtime_webhook_requests_in_flight` incremented while alive.
#[derive(Debug)]
pub struct InFlight {
    gauge: Gauge,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

/// The metrics of one controller.
#[derive(Clone, Debug)]
pub struct ControllerMetrics {
    metrics: Metrics,
    labels: ControllerLabels,
}

impl ControllerMetrics {
    /// Records one finished reconcile: its result and how long it took.
    pub fn reconcile_finished(&self, result: ReconcileResult, seconds: f64) {
        self.metrics
            .reconcile_total
            .get_or_create(&ControllerResultLabels {
                controller: self.labels.controller.clone(),
                result: result.label().to_string(),
            })
            .inc();
        if result == ReconcileResult::Error {
            self.metrics
                .reconcile_errors
                .get_or_create(&self.labels)
                .inc();
        }
        self.metrics
            .reconcile_time
            .get_or_create(&self.labels)
            .observe(seconds);
    }

    /// Counts a terminal error (in addition to the error counted by `reconcile_finished`).
    pub fn terminal_error(&self) {
        self.metrics
            .terminal_reconcile_errors
            .get_or_create(&self.labels)
            .inc();
    }

    /// Counts a recovered panic.
    pub fn panicked(&self) {
        self.metrics
            .reconcile_panics
            .get_or_create(&self.labels)
            .inc();
    }

    /// Sets `controller_runtime_max_concurrent_reconciles`.
    pub fn set_max_concurrent_reconciles(&self, n: u16) {
        self.metrics
            .max_concurrent_reconciles
            .get_or_create(&self.labels)
            .set(i64::from(n));
    }

    /// Marks one worker busy until the returned guard is dropped (also on panic or
    /// cancellation, which is why it is a guard).
    pub fn active_worker(&self) -> ActiveWorker {
        let gauge = self
            .metrics
            .active_workers
            .get_or_create_owned(&self.labels);
        gauge.inc();
        ActiveWorker { gauge }
    }
}

/// Keeps `controller_runtime_active_workers` incremented while alive.
#[derive(Debug)]
pub struct ActiveWorker {
    gauge: Gauge,
}

impl Drop for ActiveWorker {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

/// The standard `process_*` metrics, read from `/proc` at scrape time (Linux only; elsewhere
/// it exports nothing).
#[derive(Debug)]
struct ProcessCollector;

/// Linux's USER_HZ; it is 100 on every architecture Kubernetes runs on.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let Some(stats) = ProcessStats::read() else {
            return Ok(());
        };
        let gauges: [(&str, &str, f64); 5] = [
            (
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
                stats.resident_memory_bytes,
            ),
            (
                "process_virtual_memory_bytes",
                "Virtual memory size in bytes.",
                stats.virtual_memory_bytes,
            ),
            (
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                stats.start_time_seconds,
            ),
            (
                "process_open_fds",
                "Number of open file descriptors.",
                stats.open_fds,
            ),
            (
                "process_max_fds",
                "Maximum number of open file descriptors.",
                stats.max_fds,
            ),
        ];
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(value);
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        let cpu = ConstCounter::new(stats.cpu_seconds);
        cpu.encode(encoder.encode_descriptor(
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds.",
            None,
            cpu.metric_type(),
        )?)?;
        Ok(())
    }
}

#[derive(Debug, Default)]
struct ProcessStats {
    resident_memory_bytes: f64,
    virtual_memory_bytes: f64,
    start_time_seconds: f64,
    cpu_seconds: f64,
    open_fds: f64,
    max_fds: f64,
}

impl ProcessStats {
    fn read() -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The command name (field 2) may contain spaces; the fields we need follow its ')'.
        let after_comm = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = after_comm.split_whitespace().collect();
        // Indices are the proc(5) field numbers minus 3 (pid and comm come before).
        let field = |n: usize| fields.get(n - 3).and_then(|v| v.parse::<f64>().ok());
        let utime = field(14)?;
        let stime = field(15)?;
        let start_ticks = field(22)?;
        let virtual_memory_bytes = field(23)?;

        let boot_time = std::fs::read_to_string("/proc/stat")
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("btime ")?.trim().parse::<f64>().ok())?;
        let resident_memory_bytes = std::fs::read_to_string("/proc/self/status")
            .ok()?
            .lines()
            .find_map(|l| {
                let kb = l.strip_prefix("VmRSS:")?.trim().strip_suffix("kB")?;
                kb.trim().parse::<f64>().ok()
            })
            .map_or(0.0, |kb| kb * 1024.0);
        let open_fds = std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count()) as f64;
        let max_fds = std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|limits| {
                limits.lines().find_map(|l| {
                    l.strip_prefix("Max open files")?
                        .split_whitespace()
                        .next()?
                        .parse::<f64>()
                        .ok()
                })
            })
            .unwrap_or(0.0);
        Some(Self {
            resident_memory_bytes,
            virtual_memory_bytes,
            start_time_seconds: boot_time + start_ticks / CLOCK_TICKS_PER_SECOND,
            cpu_seconds: (utime + stime) / CLOCK_TICKS_PER_SECOND,
            open_fds,
            max_fds,
        })
    }
}
