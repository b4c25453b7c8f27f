//! The instrumented reconciler: controller-runtime metrics (scraped and parsed with a real
//! Prometheus parser), panic recovery, Warning events with rate limiting, per-object backoff.

mod common;

use std::sync::Arc;
use std::time::Duration;

use cargo_operator_runtime::{Action, Context, Controller, Metrics, ReconcileError, testing};
use common::Guestbook;
use prometheus_parse::{Scrape, Value};
use serde_json::json;

async fn test_reconcile(obj: Arc<Guestbook>, _ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    match obj.spec.mode.as_str() {
        "ok" => Ok(Action::await_change()),
        "requeue" => Ok(Action::requeue(Duration::from_secs(60))),
        "fail" => Err(ReconcileError::msg("backend unavailable")),
        "terminal" => Err(ReconcileError::terminal(ReconcileError::msg(
            "invalid spec",
        ))),
        "panic" => panic!("index out of bounds"),
        other => Err(ReconcileError::msg(format!("unknown mode {other}"))),
    }
}

fn guestbook(name: &str, mode: &str) -> Arc<Guestbook> {
    Arc::new(testing::object(name, "default", json!({ "mode": mode })))
}

fn scrape(metrics: &Metrics) -> Scrape {
    let text = metrics.encode();
    Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).expect("valid exposition format")
}

fn value(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            Value::Histogram(buckets) => buckets.iter().map(|b| b.count).fold(0.0, f64::max),
            Value::Summary(_) => f64::NAN,
        })
}

#[tokio::test]
async fn metrics_events_backoff_and_panics() {
    let (client, mut server) = testing::mock_client();
    let metrics = Metrics::new();
    let controller = Controller::new("guestbook", test_reconcile)
        .error_backoff(Duration::from_secs(1), Duration::from_secs(3));
    let reconciler = controller.reconciler(Arc::new(Context::new(client, "guestbook")), &metrics);

    // Before any reconcile, the series exist at zero (dashboards need them from the start).
    let before = scrape(&metrics);
    assert_eq!(
        value(
            &before,
            "controller_runtime_reconcile_total",
            &[("controller", "guestbook"), ("result", "error")]
        ),
        Some(0.0)
    );
    assert_eq!(
        value(
            &before,
            "controller_runtime_reconcile_panics_total",
            &[("controller", "guestbook")]
        ),
        Some(0.0)
    );

    assert_eq!(
        reconciler.reconcile(guestbook("a", "ok")).await.unwrap(),
        Action::await_change()
    );
    assert_eq!(
        reconciler
            .reconcile(guestbook("a", "requeue"))
            .await
            .unwrap(),
        Action::requeue(Duration::from_secs(60))
    );

    // An error: a Warning event on the object, and exponential backoff per object.
    let (failure, event) = tokio::join!(
        reconciler.reconcile(guestbook("b", "fail")),
        server.expect_event()
    );
    let failure = failure.unwrap_err();
    assert_eq!(failure.requeue_after, Some(Duration::from_secs(1)));
    assert!(!failure.panicked);
    assert_eq!(event.body["type"], "Warning");
    assert_eq!(event.body["reason"], "ReconcileError");
    assert_eq!(event.body["regarding"]["name"], "b");
    assert_eq!(event.body["reportingController"], "guestbook");
    assert!(
        event.body["note"]
            .as_str()
            .unwrap()
            .contains("backend unavailable")
    );
    assert!(
        event
            .path
            .starts_with("/apis/events.k8s.io/v1/namespaces/default/events")
    );

    // The same failure again within 30 s: no second event, doubled backoff, then capped.
    let failure = reconciler
        .reconcile(guestbook("b", "fail"))
        .await
        .unwrap_err();
    assert_eq!(failure.requeue_after, Some(Duration::from_secs(2)));
    let failure = reconciler
        .reconcile(guestbook("b", "fail"))
        .await
        .unwrap_err();
    assert_eq!(failure.requeue_after, Some(Duration::from_secs(3)));
    server.expect_no_request(Duration::from_millis(200)).await;

    // Another object has its own backoff; success resets it.
    let (failure, _) = tokio::join!(
        reconciler.reconcile(guestbook("c", "fail")),
        server.expect_event()
    );
    assert_eq!(
        failure.unwrap_err().requeue_after,
        Some(Duration::from_secs(1))
    );
    reconciler.reconcile(guestbook("b", "ok")).await.unwrap();
    let (failure, _) = tokio::join!(reconciler.reconcile(guestbook("b", "fail")), async {
        server.expect_no_request(Duration::from_millis(100)).await
    });
    assert_eq!(
        failure.unwrap_err().requeue_after,
        Some(Duration::from_secs(1))
    );

    // A panic is caught, counted, evented and retried with backoff.
    let (failure, event) = tokio::join!(
        reconciler.reconcile(guestbook("d", "panic")),
        server.expect_event()
    );
    let failure = failure.unwrap_err();
    assert!(failure.panicked);
    assert!(
        failure.message.contains("index out of bounds"),
        "{}",
        failure.message
    );
    assert_eq!(failure.requeue_after, Some(Duration::from_secs(1)));
    assert_eq!(event.body["reason"], "ReconcilePanic");

    // A terminal error is not requeued.
    let (failure, _) = tokio::join!(
        reconciler.reconcile(guestbook("e", "terminal")),
        server.expect_event()
    );
    assert_eq!(failure.unwrap_err().requeue_after, None);

    let scrape = scrape(&metrics);
    let c = ("controller", "guestbook");
    let total = |result| {
        value(
            &scrape,
            "controller_runtime_reconcile_total",
            &[c, ("result", result)],
        )
    };
    assert_eq!(total("success"), Some(2.0));
    assert_eq!(total("requeue_after"), Some(1.0));
    assert_eq!(total("error"), Some(7.0));
    assert_eq!(total("requeue"), Some(0.0));
    assert_eq!(
        value(&scrape, "controller_runtime_reconcile_errors_total", &[c]),
        Some(7.0)
    );
    assert_eq!(
        value(
            &scrape,
            "controller_runtime_terminal_reconcile_errors_total",
            &[c]
        ),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "controller_runtime_reconcile_panics_total", &[c]),
        Some(1.0)
    );
    assert_eq!(
        value(&scrape, "controller_runtime_active_workers", &[c]),
        Some(0.0)
    );
    assert!(
        scrape
            .docs
            .contains_key("controller_runtime_reconcile_time_seconds")
    );
    assert!(scrape.docs.contains_key("process_resident_memory_bytes"));
    assert!(value(&scrape, "process_start_time_seconds", &[]).unwrap() > 1.0e9);

    // The histogram uses controller-runtime's buckets and counted all ten reconciles.
    let text = metrics.encode();
    for le in ["0.005", "0.15", "1.25", "60.0", "+Inf"] {
        assert!(
            text.contains(&format!("controller_runtime_reconcile_time_seconds_bucket{{le=\"{le}\",controller=\"guestbook\"}}")),
            "bucket {le} missing in:\n{text}"
        );
    }
    assert!(
        text.contains(
            "controller_runtime_reconcile_time_seconds_count{controller=\"guestbook\"} 10"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn leader_gauge_and_custom_metrics() {
    use cargo_operator_runtime::prometheus_client::metrics::counter::Counter;
    let metrics = Metrics::new();
    metrics.set_leader("guestbook-operator-leader-election", true);
    let custom: Counter = Counter::default();
    metrics.with_registry(|r| r.register("guestbook_pages", "Pages served", custom.clone()));
    custom.inc_by(3);
    let scrape = scrape(&metrics);
    assert_eq!(
        value(
            &scrape,
            "leader_election_master_status",
            &[("name", "guestbook-operator-leader-election")]
        ),
        Some(1.0)
    );
    assert_eq!(value(&scrape, "guestbook_pages_total", &[]), Some(3.0));
    metrics.set_leader("guestbook-operator-leader-election", false);
    assert_eq!(
        value(
            &scrape_again(&metrics),
            "leader_election_master_status",
            &[("name", "guestbook-operator-leader-election")]
        ),
        Some(0.0)
    );
}

fn scrape_again(metrics: &Metrics) -> Scrape {
    scrape(metrics)
}
