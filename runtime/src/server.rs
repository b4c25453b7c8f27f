//! The HTTP endpoints — `/metrics` on the metrics address, `/healthz` and `/readyz` on the
//! probe address — and the connection handling every server of the manager shares (also the
//! secure metrics and the webhook server): [`ServerLimits`].
//!
//! Every connection is bounded like a Go `http.Server` with `ReadHeaderTimeout`,
//! `IdleTimeout` and a `netutil.LimitListener`: a client must send its request headers (and
//! finish the TLS handshake) within [`ServerLimits::read_header_timeout`], a keep-alive
//! connection that sends no new request within [`ServerLimits::idle_timeout`] is closed, and
//! at most [`ServerLimits::max_connections`] connections are served at once — beyond that,
//! new connections wait in the listen backlog until one closes.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;
use tracing::debug;

use crate::error::Error;
use crate::metrics::Metrics;
use crate::options::ServerLimits;

/// OpenMetrics is what prometheus-client writes; Prometheus negotiates it natively.
const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// On shutdown, connections still busy after this are dropped.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Readiness shared between the manager and `/readyz`.
#[derive(Debug, Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    /// Marks the manager ready (controllers started, or waiting as a standby) or not.
    pub fn set(&self, ready: bool) {
        self.0.store(ready, Ordering::Release);
    }

    /// Whether `/readyz` answers 200.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// `GET /metrics`.
pub fn metrics_router(metrics: Metrics) -> Router {
    Router::new()
        .route("/metrics", get(serve_metrics))
        .with_state(metrics)
}

async fn serve_metrics(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE)],
        metrics.encode(),
    )
}

/// `GET /healthz` (the process serves requests) and `GET /readyz` (see [`Readiness`]).
pub fn probes_router(readiness: Readiness) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(readiness)
}

async fn readyz(State(readiness): State<Readiness>) -> impl IntoResponse {
    if readiness.get() {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "not ready")
    }
}

/// Binds `addr`, naming the endpoint in the error.
pub async fn bind(addr: SocketAddr, what: &'static str) -> Result<TcpListener, Error> {
    TcpListener::bind(addr).await.map_err(|source| Error::Bind {
        what,
        address: addr.to_string(),
        source,
    })
}

/// Serves `router` over plain HTTP on `listener`, within `limits`, until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_connections(listener, None, router, limits, shutdown).await
}

/// Serves `router` over HTTPS on `listener`, within `limits`, until `shutdown` resolves.
pub async fn serve_tls(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    router: Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_connections(listener, Some(acceptor), router, limits, shutdown).await
}

/// The accept loop: a permit per connection, each connection in its own task (so that a slow
/// client cannot hold up the others), all of them dropped when the server task is.
async fn serve_connections(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    router: Router,
    limits: ServerLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let permits = Arc::new(Semaphore::new(limits.max_connections as usize));
    let mut connections = JoinSet::new();
    let local = listener.local_addr().ok();
    loop {
        while connections.try_join_next().is_some() {}
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, mostly: wait instead of spinning.
                    debug!(address = ?local, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let (acceptor, router, limits, stop) = (
            acceptor.clone(),
            router.clone(),
            limits.clone(),
            stop.clone(),
        );
        connections.spawn(async move {
            let _permit = permit;
            match acceptor {
                None => serve_connection(tcp, peer, router, &limits, stop).await,
                Some(acceptor) => {
                    let handshake = acceptor.accept(tcp);
                    match tokio::time::timeout(limits.read_header_timeout, handshake).await {
                        Ok(Ok(tls)) => serve_connection(tls, peer, router, &limits, stop).await,
                        Ok(Err(e)) => debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => debug!(%peer, "TLS handshake timed out"),
                    }
                }
            }
        });
    }
    // Stop taking connections; let the busy ones finish their request, briefly.
    drop(listener);
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// Serves HTTP/1.1 on one connection until the client closes it, a timeout of `limits`
/// expires, or the server stops.
async fn serve_connection<I>(
    io: I,
    peer: SocketAddr,
    router: Router,
    limits: &ServerLimits,
    mut stop: tokio::sync::watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(TrackedIo {
        inner: io,
        activity: activity.clone(),
    });
    let tracked = activity.clone();
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let guard = tracked.request_started();
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await;
                response.map(|response: Response| {
                    response.map(|body| {
                        Body::new(GuardedBody {
                            inner: body,
                            _guard: guard,
                        })
                    })
                })
            }
        });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    // The timeouts are enforced below, where "idle" and "reading headers" can be told apart.
    builder.http1().header_read_timeout(None).keep_alive(true);
    let builder = builder.http1_only();
    let connection = builder.serve_connection(io, service);
    let mut connection = std::pin::pin!(connection);
    let mut stopping = false;
    loop {
        let deadline = activity.deadline(limits);
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    debug!(%peer, error = %e, "connection ended with an error");
                }
                return;
            }
            _ = sleep_until(deadline) => {
                if let Some(why) = activity.expired(limits) {
                    debug!(%peer, "closing the connection: {why}");
                    return;
                }
            }
            _ = activity.changed.notified() => {}
            _ = stop.wait_for(|stop| *stop), if !stopping => {
                stopping = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// What one connection is doing, for its timeouts.
#[derive(Debug)]
struct Activity {
    state: Mutex<ActivityState>,
    /// Woken when a deadline may have moved.
    changed: Notify,
}

#[derive(Debug)]
struct ActivityState {
    /// Requests whose response has not been sent completely.
    in_flight: usize,
    /// Whether a request was served: the first one gets the header timeout from the start.
    served_any: bool,
    /// Since when no request has been in flight.
    idle_since: Instant,
    /// When the first byte of the next request arrived, if it has.
    next_request_started: Option<Instant>,
}

impl Activity {
    fn new() -> Self {
        Self {
            state: Mutex::new(ActivityState {
                in_flight: 0,
                served_any: false,
                idle_since: Instant::now(),
                next_request_started: None,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ActivityState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the connection is to be closed, unless something happens first; `None` while a
    /// request is being handled.
    fn deadline(&self, limits: &ServerLimits) -> Option<Instant> {
        let state = self.lock();
        if state.in_flight > 0 {
            return None;
        }
        Some(match state.next_request_started {
            Some(started) => started + limits.read_header_timeout,
            None if !state.served_any => state.idle_since + limits.read_header_timeout,
            None => state.idle_since + limits.idle_timeout,
        })
    }

    /// Why the connection is to be closed now, if it is.
    fn expired(&self, limits: &ServerLimits) -> Option<&'static str> {
        let deadline = self.deadline(limits)?;
        if Instant::now() < deadline {
            return None;
        }
        let state = self.lock();
        Some(
            if state.next_request_started.is_some() || !state.served_any {
                "the request headers did not arrive in time"
            } else {
                "idle for too long"
            },
        )
    }

    fn bytes_read(&self) {
        let mut state = self.lock();
        if state.in_flight == 0 && state.next_request_started.is_none() {
            state.next_request_started = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    fn request_started(self: &Arc<Self>) -> RequestGuard {
        self.lock().in_flight += 1;
        self.changed.notify_one();
        RequestGuard(self.clone())
    }

    fn request_finished(&self) {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        state.served_any = true;
        if state.in_flight == 0 {
            state.idle_since = Instant::now();
            state.next_request_started = None;
        }
        drop(state);
        self.changed.notify_one();
    }
}

/// Counts a request as in flight until its response body is sent (or dropped).
#[derive(Debug)]
struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// A response body that keeps its request in flight until hyper is done with it.
struct GuardedBody {
    inner: Body,
    _guard: RequestGuard,
}

impl HttpBody for GuardedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The connection's stream, noting when the bytes of a new request arrive.
struct TrackedIo<I> {
    inner: I,
    activity: Arc<Activity>,
}

impl<I: AsyncRead + Unpin> AsyncRead for TrackedIo<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_read();
        }
        result
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for TrackedIo<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
