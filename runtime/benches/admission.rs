//! Admission latency on loopback: the Manager's webhook server (TLS, AdmissionReview v1) with
//! the scaffolded defaulter (`replicas` defaults to 1), asked the way the API server asks —
//! over kept-alive HTTPS connections. Prints p50/p99/max of sequential requests on one
//! connection, then requests per second with several connections at once. A figure, not a
//! test: `cargo bench -p cargo-operator-runtime --features testing --bench admission`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cargo_operator_runtime::webhook::{AdmissionContext, Defaulter, Webhook, WebhookError};
use cargo_operator_runtime::{Manager, ManagerOptions, testing};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod v1 {
    use cargo_operator_runtime::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
    #[resource(
        group = "webapp.example.com",
        version = "v1",
        kind = "Guestbook",
        namespaced
    )]
    pub struct GuestbookSpec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i32>,
    }
}

/// What `create webhook --defaulting` scaffolds.
struct GuestbookDefaulter;

impl Defaulter<v1::Guestbook> for GuestbookDefaulter {
    async fn default(
        &self,
        _: &AdmissionContext,
        object: &mut v1::Guestbook,
    ) -> Result<(), WebhookError> {
        object.spec.replicas.get_or_insert(1);
        Ok(())
    }
}

const PATH: &str = "/mutate-webapp-example-com-v1-guestbook";
const SEQUENTIAL: usize = 2_000;
const CONNECTIONS: usize = 8;
const THROUGHPUT_FOR: Duration = Duration::from_secs(3);

type Stream = tokio_rustls::client::TlsStream<tokio::net::TcpStream>;

fn review(n: usize) -> Vec<u8> {
    serde_json::json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("u-{n}"),
            "kind": {"group": "webapp.example.com", "version": "v1", "kind": "Guestbook"},
            "resource": {"group": "webapp.example.com", "version": "v1", "resource": "guestbooks"},
            "name": "bench",
            "namespace": "default",
            "operation": "CREATE",
            "userInfo": {"username": "bench"},
            "object": {
                "apiVersion": "webapp.example.com/v1",
                "kind": "Guestbook",
                "metadata": {"name": "bench", "namespace": "default"},
                "spec": {},
            },
            "dryRun": false,
        }
    })
    .to_string()
    .into_bytes()
}

/// One request on a kept-alive connection; panics unless the answer is 200.
async fn ask(stream: &mut Stream, body: &[u8], buffer: &mut Vec<u8>) {
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    buffer.clear();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(buffer);
        if let Some((head, rest)) = text.split_once("\r\n\r\n") {
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .expect("a Content-Length");
            if rest.len() >= length {
                assert!(rest.contains("\"patch\""), "not defaulted: {rest}");
                return;
            }
        }
    }
}

async fn connect(port: u16, tls: &Arc<rustls::ClientConfig>) -> Stream {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    tcp.set_nodelay(true).unwrap();
    tokio_rustls::TlsConnector::from(tls.clone())
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let cert_dir = tempfile::tempdir().unwrap();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(cert_dir.path().join("tls.crt"), certified.cert.pem()).unwrap();
    std::fs::write(
        cert_dir.path().join("tls.key"),
        certified.signing_key.serialize_pem(),
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let options = ManagerOptions::try_parse_from([
        "bench".to_string(),
        "--metrics-bind-address=0".to_string(),
        "--health-probe-bind-address=0".to_string(),
        "--webhook-host=127.0.0.1".to_string(),
        format!("--webhook-port={port}"),
        format!("--webhook-cert-path={}", cert_dir.path().display()),
    ])
    .unwrap();
    let (client, _api) = testing::mock_client();
    let mut manager = Manager::with_client("bench", options, client);
    manager.add_webhook(Webhook::defaulting::<v1::Guestbook>(GuestbookDefaulter));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let tls = Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth(),
    );
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Latency: one connection, one request at a time (after a warm-up).
    let mut stream = connect(port, &tls).await;
    let mut buffer = Vec::new();
    let body = review(0);
    for _ in 0..200 {
        ask(&mut stream, &body, &mut buffer).await;
    }
    let mut latencies = Vec::with_capacity(SEQUENTIAL);
    for n in 0..SEQUENTIAL {
        let body = review(n);
        let started = Instant::now();
        ask(&mut stream, &body, &mut buffer).await;
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "admission latency, {SEQUENTIAL} sequential requests on one HTTPS connection: p50 {:.0?}  p99 {:.0?}  max {:.0?}",
        at(0.50),
        at(0.99),
        latencies[latencies.len() - 1]
    );

    // Throughput: several connections at once, each one request at a time.
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let tls = tls.clone();
        workers.push(tokio::spawn(async move {
            let mut stream = connect(port, &tls).await;
            let mut buffer = Vec::new();
            let body = review(1);
            let mut done = 0usize;
            while started.elapsed() < THROUGHPUT_FOR {
                ask(&mut stream, &body, &mut buffer).await;
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "admission throughput, {CONNECTIONS} connections for {:.1} s: {:.0} requests/s",
        seconds,
        total as f64 / seconds
    );
    stop.send(()).unwrap();
    let _ = task.await;
}
