//! The limits every server of the manager has (here with short timeouts through the
//! `--server-*` flags): idle and slow connections to the metrics (plain and secure) and
//! webhook ports are closed, scrapes and reviews still get through while hundreds of them
//! are open, and connections over the limit wait for a free slot.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cargo_operator_runtime::testing;
use cargo_operator_runtime::webhook::{
    AdmissionContext, Validator, Warnings, Webhook, WebhookError,
};
use cargo_operator_runtime::{Manager, ManagerOptions, ServerLimits};
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

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
        pub size: Option<i32>,
    }
}

struct AllowAll;

impl Validator<v1::Guestbook> for AllowAll {
    async fn validate_create(
        &self,
        _: &AdmissionContext,
        _: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        Ok(vec![])
    }
    async fn validate_update(
        &self,
        _: &AdmissionContext,
        _: &v1::Guestbook,
        _: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        Ok(vec![])
    }
    async fn validate_delete(
        &self,
        _: &AdmissionContext,
        _: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        Ok(vec![])
    }
}

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
const IDLE_TIMEOUT: Duration = Duration::from_secs(3);

fn limits(max_connections: u32) -> ServerLimits {
    ServerLimits {
        read_header_timeout: HEADER_TIMEOUT,
        idle_timeout: IDLE_TIMEOUT,
        max_connections,
    }
}
/// What "closed by the timeout" may take beyond it on a busy test machine.
const SLACK: Duration = Duration::from_secs(2);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Running {
    metrics_port: u16,
    webhook_port: u16,
    tls: Arc<rustls::ClientConfig>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<ExitCode>,
    _cert_dir: tempfile::TempDir,
    _api: testing::MockServer,
}

async fn start(limits: ServerLimits) -> Running {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let cert_dir = tempfile::tempdir().unwrap();
    std::fs::write(cert_dir.path().join("tls.crt"), certified.cert.pem()).unwrap();
    std::fs::write(
        cert_dir.path().join("tls.key"),
        certified.signing_key.serialize_pem(),
    )
    .unwrap();
    let (metrics_port, webhook_port) = (free_port(), free_port());
    let options = ManagerOptions::try_parse_from([
        "guestbook-operator".to_string(),
        format!("--metrics-bind-address=127.0.0.1:{metrics_port}"),
        "--health-probe-bind-address=0".to_string(),
        "--webhook-host=127.0.0.1".to_string(),
        format!("--webhook-port={webhook_port}"),
        format!("--webhook-cert-path={}", cert_dir.path().display()),
        format!(
            "--server-read-header-timeout={}ms",
            limits.read_header_timeout.as_millis()
        ),
        format!(
            "--server-idle-timeout={}ms",
            limits.idle_timeout.as_millis()
        ),
        format!("--server-max-connections={}", limits.max_connections),
    ])
    .unwrap();
    assert_eq!(options.server_limits, limits);
    let header_timeout = limits.read_header_timeout;
    let (client, api) = testing::mock_client();
    let mut manager = Manager::with_client("guestbook-operator", options, client);
    manager.add_webhook(Webhook::validating::<v1::Guestbook>(AllowAll));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(certified.cert.der().to_vec()))
        .unwrap();
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    for port in [metrics_port, webhook_port] {
        let mut up = false;
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(up, "nothing listens on {port}");
    }
    // Let the probe connections above be closed before counting connections.
    tokio::time::sleep(header_timeout + Duration::from_millis(500)).await;
    Running {
        metrics_port,
        webhook_port,
        tls: Arc::new(tls),
        stop,
        task,
        _cert_dir: cert_dir,
        _api: api,
    }
}

impl Running {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        let code = tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the manager stops")
            .unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
    }

    async fn tls(&self) -> tokio_rustls::client::TlsStream<TcpStream> {
        let tcp = TcpStream::connect(("127.0.0.1", self.webhook_port))
            .await
            .unwrap();
        tokio_rustls::TlsConnector::from(self.tls.clone())
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .expect("TLS handshake")
    }

    /// A review over HTTPS; the status code of the answer.
    async fn review(&self) -> u16 {
        let mut stream = self.tls().await;
        let body = json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": "1",
                "kind": { "group": "webapp.example.com", "version": "v1", "kind": "Guestbook" },
                "resource": { "group": "webapp.example.com", "version": "v1", "resource": "guestbooks" },
                "operation": "CREATE",
                "userInfo": {},
                "object": { "apiVersion": "webapp.example.com/v1", "kind": "Guestbook",
                            "metadata": { "name": "a" }, "spec": {} },
            }
        })
        .to_string();
        let request = format!(
            "POST /validate-webapp-example-com-v1-guestbook HTTP/1.1\r\nHost: localhost\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let (code, body) = read_response(&mut stream).await;
        assert!(body.contains("\"allowed\":true"), "{body}");
        code
    }
}

async fn scrape_on(stream: &mut TcpStream) -> (u16, String) {
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    read_response(stream).await
}

/// One response with a Content-Length, leaving the connection open.
async fn read_response(stream: &mut (impl AsyncRead + Unpin)) -> (u16, String) {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.expect("a response");
        assert_eq!(n, 1, "the connection closed before the response");
        raw.push(byte[0]);
    }
    let head = String::from_utf8(raw).unwrap();
    let code = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.unwrap();
    (code, String::from_utf8(body).unwrap())
}

/// Waits until the server closes `stream` (EOF or reset); how long that took from `since`.
async fn closed_after(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    since: Instant,
    within: Duration,
) -> Duration {
    let mut buf = [0u8; 64];
    let waited = tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "the connection is still open after {within:?}"
    );
    since.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_are_closed_and_scrapes_still_get_through() {
    // Long enough for opening 600 connections and a scrape on a slow machine.
    let header_timeout = Duration::from_secs(3);
    let running = start(ServerLimits {
        read_header_timeout: header_timeout,
        ..limits(1024)
    })
    .await;
    let opened = Instant::now();
    let mut idle = Vec::new();
    for port in [running.metrics_port, running.webhook_port] {
        for _ in 0..300 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
    }
    // 600 idle connections, yet a scrape and a review are answered.
    let mut scrape = TcpStream::connect(("127.0.0.1", running.metrics_port))
        .await
        .unwrap();
    let (code, text) = scrape_on(&mut scrape).await;
    assert_eq!(code, 200);
    assert!(text.contains("controller_runtime_webhook_requests_total"));
    assert_eq!(running.review().await, 200);
    assert!(
        opened.elapsed() < header_timeout,
        "the test was too slow to show anything"
    );

    // Every idle connection is closed by the server once the header timeout has passed.
    let closes = futures::future::join_all(
        idle.into_iter()
            .map(|s| closed_after(s, opened, header_timeout + SLACK)),
    )
    .await;
    let earliest = closes.iter().min().unwrap();
    let latest = closes.iter().max().unwrap();
    assert!(
        *earliest >= header_timeout - Duration::from_millis(100),
        "closed after {earliest:?}, before the timeout"
    );
    assert!(*latest <= header_timeout + SLACK, "closed after {latest:?}");
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_gets_the_idle_timeout_and_slow_headers_the_header_timeout() {
    let running = start(limits(1024)).await;

    // A keep-alive connection may wait longer than the header timeout between requests...
    let mut keep_alive = TcpStream::connect(("127.0.0.1", running.metrics_port))
        .await
        .unwrap();
    assert_eq!(scrape_on(&mut keep_alive).await.0, 200);
    tokio::time::sleep(HEADER_TIMEOUT + Duration::from_millis(500)).await;
    assert_eq!(scrape_on(&mut keep_alive).await.0, 200);
    // ... but is closed once idle for the idle timeout.
    let answered = Instant::now();

    // Headers trickling in byte by byte are cut off by the header timeout.
    let mut slow = TcpStream::connect(("127.0.0.1", running.metrics_port))
        .await
        .unwrap();
    let started = Instant::now();
    let trickle = async {
        for byte in b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa" {
            if slow.write_all(&[*byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    trickle.await;
    let slow_closed = closed_after(slow, started, SLACK).await;
    assert!(
        slow_closed >= HEADER_TIMEOUT - Duration::from_millis(100)
            && slow_closed <= HEADER_TIMEOUT + SLACK,
        "slow headers cut off after {slow_closed:?}"
    );

    // A finished TLS handshake without a request: the header timeout too.
    let tls = running.tls().await;
    let handshaken = Instant::now();
    let tls_closed = closed_after(tls, handshaken, HEADER_TIMEOUT + SLACK).await;
    assert!(
        tls_closed >= HEADER_TIMEOUT - Duration::from_millis(100),
        "TLS connection closed after {tls_closed:?}"
    );

    let idle_closed = closed_after(keep_alive, answered, IDLE_TIMEOUT + SLACK).await;
    assert!(
        idle_closed >= IDLE_TIMEOUT - Duration::from_millis(100),
        "keep-alive closed after {idle_closed:?}, before the idle timeout"
    );
    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_limit_wait_for_a_free_slot() {
    let running = start(limits(4)).await;
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(
            TcpStream::connect(("127.0.0.1", running.metrics_port))
                .await
                .unwrap(),
        );
    }
    let opened = Instant::now();
    // The kernel accepts the fifth connection, the server does not serve it yet...
    let mut waiting = TcpStream::connect(("127.0.0.1", running.metrics_port))
        .await
        .unwrap();
    let scrape = scrape_on(&mut waiting);
    tokio::pin!(scrape);
    assert!(
        tokio::time::timeout(HEADER_TIMEOUT / 2, &mut scrape)
            .await
            .is_err(),
        "a fifth connection was served while four were open"
    );
    // ... until the idle ones are closed by the header timeout.
    let (code, _) = tokio::time::timeout(HEADER_TIMEOUT + SLACK, &mut scrape)
        .await
        .expect("the waiting scrape is served once a slot is free");
    assert_eq!(code, 200);
    assert!(opened.elapsed() >= HEADER_TIMEOUT - Duration::from_millis(100));
    drop(idle);
    running.stop().await;
}

/// The secure metrics server too: idle sockets are closed before authentication is reached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_secure_metrics_server_closes_idle_connections() {
    let port = free_port();
    let options = ManagerOptions::try_parse_from([
        "guestbook-operator".to_string(),
        format!("--metrics-bind-address=127.0.0.1:{port}"),
        "--metrics-secure".to_string(),
        "--health-probe-bind-address=0".to_string(),
        "--server-read-header-timeout=1s".to_string(),
    ])
    .unwrap();
    let (client, _api) = testing::mock_client();
    let manager = Manager::with_client("guestbook-operator", options, client);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));
    let mut idle = Vec::new();
    for _ in 0..100 {
        loop {
            match TcpStream::connect(("127.0.0.1", port)).await {
                Ok(stream) => {
                    idle.push(stream);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }
    let opened = Instant::now();
    let closes = futures::future::join_all(
        idle.into_iter()
            .map(|s| closed_after(s, opened, HEADER_TIMEOUT + SLACK)),
    )
    .await;
    assert!(closes.iter().all(|c| *c <= HEADER_TIMEOUT + SLACK));
    stop.send(()).unwrap();
    assert_eq!(task.await.unwrap(), ExitCode::SUCCESS);
}
