//! The Manager end to end against the mock API server: servers, a controller doing a real
//! list/watch/reconcile through kube-runtime, and graceful shutdown with exit code 0.

mod common;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cargo_operator_runtime::testing::{self, Responder};
use cargo_operator_runtime::{Action, Controller, Manager, ManagerOptions, ReconcileError};
use common::Guestbook;
use http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn http_get(port: u16, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[tokio::test]
async fn runs_a_controller_and_shuts_down_gracefully() {
    let (client, server) = testing::mock_client();
    let mut server = server.with_timeout(Duration::from_millis(50));
    let (metrics_port, probe_port) = (free_port(), free_port());
    let options = ManagerOptions::try_parse_from([
        "guestbook-operator".to_string(),
        format!("--metrics-bind-address=127.0.0.1:{metrics_port}"),
        format!("--health-probe-bind-address=127.0.0.1:{probe_port}"),
    ])
    .unwrap();

    let reconciles = Arc::new(AtomicUsize::new(0));
    let counter = reconciles.clone();
    let mut manager = Manager::with_client("guestbook-operator", options, client);
    // The first reconcile fails, so the object is retried once with backoff.
    manager.add_controller(Controller::new(
        "guestbook",
        move |_obj: Arc<Guestbook>, _ctx| {
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    return Err(ReconcileError::msg("not yet"));
                }
                Ok(Action::await_change())
            }
        },
    ));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let run = tokio::spawn(manager.run_until(async {
        let _ = stop_rx.await;
    }));

    // Play the API server until the object has been reconciled.
    let obj: Guestbook = testing::object("test", "default", json!({ "mode": "ok" }));
    let mut held_watches: Vec<Responder> = Vec::new();
    let mut saw_list = false;
    for _ in 0..200 {
        if reconciles.load(Ordering::SeqCst) > 1 {
            break;
        }
        let Some((request, responder)) = server.next_request().await else {
            continue;
        };
        match (&request.method, request.path.as_str()) {
            (&Method::POST, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") => {
                let mut review = request.body.clone();
                review["status"] = json!({ "allowed": true });
                responder.json(201, &review);
            }
            // The Warning event of the failed reconcile.
            (&Method::POST, "/apis/events.k8s.io/v1/namespaces/default/events") => {
                responder.json(201, &request.body);
            }
            (&Method::GET, "/apis/webapp.example.com/v1/guestbooks")
                if request.query_param("watch").is_some() =>
            {
                held_watches.push(responder);
            }
            (&Method::GET, "/apis/webapp.example.com/v1/guestbooks") => {
                saw_list = true;
                responder.json(
                    200,
                    &json!({
                        "apiVersion": "webapp.example.com/v1", "kind": "GuestbookList",
                        "metadata": { "resourceVersion": "10" },
                        "items": [obj],
                    }),
                );
            }
            _ => panic!("unexpected request {request}"),
        }
    }
    assert!(saw_list, "the controller never listed guestbooks");
    assert_eq!(reconciles.load(Ordering::SeqCst), 2);

    let (status, _) = http_get(probe_port, "/healthz").await;
    assert_eq!(status, 200);
    let (status, _) = http_get(probe_port, "/readyz").await;
    assert_eq!(status, 200);
    // The reconcile is counted just after it returns; give it a moment.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, body) = http_get(metrics_port, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        body.contains(
            "controller_runtime_reconcile_total{controller=\"guestbook\",result=\"success\"} 1"
        ),
        "{body}"
    );
    assert!(
        body.contains("controller_runtime_max_concurrent_reconciles{controller=\"guestbook\"} 1"),
        "{body}"
    );
    // The listed object entered kube-runtime's queue, failed, was retried (kube-runtime
    // requeues it itself: an add seen when its second reconcile starts) and succeeded.
    let queue = "{name=\"guestbook\",controller=\"guestbook\"}";
    for expected in [
        format!("workqueue_adds_total{queue} 2"),
        format!("workqueue_queue_duration_seconds_count{queue} 2"),
        format!("workqueue_work_duration_seconds_count{queue} 2"),
        format!("workqueue_retries_total{queue} 1"),
        format!("workqueue_unfinished_work_seconds{queue} 0"),
        "workqueue_depth{name=\"guestbook\",controller=\"guestbook\",priority=\"\"} 0".into(),
    ] {
        assert!(body.contains(&expected), "no `{expected}` in\n{body}");
    }

    stop_tx.send(()).unwrap();
    let code = tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the manager stops within the timeout")
        .unwrap();
    assert_eq!(code, ExitCode::SUCCESS);
    drop(held_watches);
}

#[tokio::test]
async fn bad_address_fails_with_exit_code_1() {
    let (client, _server) = testing::mock_client();
    let options = ManagerOptions::try_parse_from([
        "m",
        "--metrics-bind-address=nonsense",
        "--health-probe-bind-address=0",
    ])
    .unwrap();
    let manager = Manager::with_client("m", options, client);
    let code = tokio::time::timeout(
        Duration::from_secs(5),
        manager.run_until(std::future::pending()),
    )
    .await
    .unwrap();
    assert_eq!(code, ExitCode::FAILURE);
}
