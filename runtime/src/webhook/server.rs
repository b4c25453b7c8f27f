//! The webhook server: HTTPS on `--webhook-port`, one route per registered webhook and
//! `/convert`, every route instrumented with controller-runtime's webhook metrics.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{FutureExt, StreamExt};
use kube::Client;
use kube::core::admission::AdmissionRequest;
use kube::core::conversion::{ConversionRequest, ConversionResponse, ConversionReview};
use kube::core::{DynamicObject, Status};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tracing::{info, warn};

use super::admission::{RawRequest, Rejection, ResponseBody, bad_request};
use super::conversion::ErasedConversion;
use super::{CONVERSION_PATH, MAX_BODY_BYTES, Webhook};
use crate::error::Error;
use crate::metrics::{Metrics, WebhookMetrics};
use crate::options::ManagerOptions;
use crate::secure::{CertWatcher, server_config};
use crate::server;
use crate::shutdown::Shutdown;

/// A request body must arrive within this; the API server waits 30 s at most for a webhook.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// A body over the limit is read (and thrown away) up to this much, so that the client reads
/// the 413 instead of a reset connection.
const MAX_DRAINED_BYTES: usize = 4 * MAX_BODY_BYTES;

const ADMISSION_API_VERSION: &str = "admission.k8s.io/v1";
const CONVERSION_API_VERSION: &str = "apiextensions.k8s.io/v1";

/// The webhooks registered on a manager.
#[derive(Default, Clone)]
pub(crate) struct Webhooks {
    admission: Vec<Webhook>,
    conversions: Vec<Arc<dyn ErasedConversion>>,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.paths()).finish()
    }
}

impl Webhooks {
    pub(crate) fn add(&mut self, webhook: Webhook) {
        assert!(
            webhook.path() != CONVERSION_PATH
                && !self.admission.iter().any(|w| w.path() == webhook.path()),
            "add_webhook: a webhook is already registered at {}",
            webhook.path()
        );
        self.admission.push(webhook);
    }

    pub(crate) fn add_conversion(&mut self, conversion: Arc<dyn ErasedConversion>) {
        assert!(
            !self
                .conversions
                .iter()
                .any(|c| c.group() == conversion.group() && c.kind() == conversion.kind()),
            "add_conversion: a conversion for {} in group {} is already registered",
            conversion.kind(),
            conversion.group()
        );
        assert!(
            !self.admission.iter().any(|w| w.path() == CONVERSION_PATH),
            "add_conversion: an admission webhook is registered at {CONVERSION_PATH}"
        );
        self.conversions.push(conversion);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.admission.is_empty() && self.conversions.is_empty()
    }

    /// Every served path, in registration order, `/convert` last.
    pub(crate) fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self
            .admission
            .iter()
            .map(|w| w.path().to_string())
            .collect();
        if !self.conversions.is_empty() {
            paths.push(CONVERSION_PATH.to_string());
        }
        paths
    }

    /// The routes (plain HTTP; the server adds TLS).
    pub(crate) fn router(&self, metrics: &Metrics, client: Option<Client>) -> Router {
        let mut router = Router::new();
        for webhook in &self.admission {
            let path = webhook.path().to_string();
            let webhook = Arc::new(webhook.clone());
            let instruments = metrics.webhook(&path);
            let client = client.clone();
            router = router.route(
                &path,
                axum::routing::any(move |request: Request| {
                    let (webhook, client, instruments) =
                        (webhook.clone(), client.clone(), instruments.clone());
                    instrumented(instruments, async move {
                        let body = read_body(request).await?;
                        admit(&webhook, &body, client).await
                    })
                }),
            );
        }
        if !self.conversions.is_empty() {
            let conversions = Arc::new(self.conversions.clone());
            let instruments = metrics.webhook(CONVERSION_PATH);
            router = router.route(
                CONVERSION_PATH,
                axum::routing::any(move |request: Request| {
                    let (conversions, instruments) = (conversions.clone(), instruments.clone());
                    instrumented(instruments, async move {
                        let body = read_body(request).await?;
                        convert(&conversions, &body)
                    })
                }),
            );
        }
        let paths = self.paths().join(", ");
        router.fallback(move |request: Request| {
            let paths = paths.clone();
            async move {
                status_response(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    format!(
                        "no webhook is served at {}; the webhooks are at {paths}",
                        request.uri().path()
                    ),
                )
            }
        })
    }
}

/// Binds the webhook address and spawns the HTTPS server onto `servers`.
pub(crate) async fn spawn(
    servers: &mut JoinSet<std::io::Result<()>>,
    addr: SocketAddr,
    webhooks: &Webhooks,
    options: &ManagerOptions,
    metrics: &Metrics,
    client: &Client,
    shutdown: Shutdown,
) -> Result<(), Error> {
    let (cert, key) = options.webhook_cert_files();
    let watcher = CertWatcher::new(&cert, &key).map_err(|message| Error::InvalidOption {
        option: "--webhook-cert-path",
        message: format!("the webhook server needs a certificate: {message}"),
    })?;
    let tls = server_config(Arc::new(watcher))
        .map_err(|e| Error::Other(format!("cannot set up TLS for the webhook server: {e}")))?;
    let listener = server::bind(addr, "webhooks").await?;
    info!(address = %addr, certificate = %cert.display(), paths = ?webhooks.paths(),
          "serving webhooks over HTTPS");
    servers.spawn(server::serve_tls(
        listener,
        TlsAcceptor::from(Arc::new(tls)),
        webhooks.router(metrics, Some(client.clone())),
        options.server_limits.clone(),
        shutdown.wait(),
    ));
    Ok(())
}

/// Runs a handler with the path's metrics; a rejection becomes its `Status`, a panic a 500.
async fn instrumented(
    metrics: WebhookMetrics,
    handler: impl Future<Output = Result<Response, Rejection>> + Send,
) -> Response {
    let _in_flight = metrics.in_flight();
    let start = Instant::now();
    let response = match std::panic::AssertUnwindSafe(handler).catch_unwind().await {
        Ok(Ok(response)) => response,
        Ok(Err(rejection)) => {
            warn!(error = %rejection.message, "rejected a webhook request");
            let code = StatusCode::from_u16(rejection.code).unwrap_or(StatusCode::BAD_REQUEST);
            // apimachinery's StatusReason for the code.
            let reason = match code.as_u16() {
                400 => "BadRequest",
                405 => "MethodNotAllowed",
                408 => "Timeout",
                413 => "RequestEntityTooLarge",
                _ => "InternalError",
            };
            let mut response = status_response(code, reason, rejection.message);
            if code == StatusCode::METHOD_NOT_ALLOWED {
                response
                    .headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static("POST"));
            }
            response
        }
        Err(panic) => {
            let message = panic_message(&*panic);
            tracing::error!(panic = %message, "a webhook panicked");
            status_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                format!("the webhook panicked: {message}"),
            )
        }
    };
    metrics.request_finished(response.status().as_u16(), start.elapsed().as_secs_f64());
    response
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_string())
}

/// A `metav1.Status` the API server shows as the webhook's error.
fn status_response(code: StatusCode, reason: &str, message: String) -> Response {
    let body = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code.as_u16(),
    });
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn json_response(body: &impl Serialize) -> Result<Response, Rejection> {
    let bytes = serde_json::to_vec(body).map_err(|e| Rejection {
        code: 500,
        message: format!("cannot encode the response: {e}"),
    })?;
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(bytes),
    )
        .into_response())
}

/// The body of a `POST` with JSON, at most [`MAX_BODY_BYTES`] of it.
async fn read_body(request: Request) -> Result<Vec<u8>, Rejection> {
    if request.method() != Method::POST {
        return Err(Rejection {
            code: 405,
            message: format!(
                "webhooks take POST requests (the API server posts a review), not {}",
                request.method()
            ),
        });
    }
    if let Some(content_type) = request.headers().get(header::CONTENT_TYPE) {
        let content_type = content_type.to_str().unwrap_or_default();
        if !content_type.to_ascii_lowercase().contains("json") {
            return Err(bad_request(format!(
                "the Content-Type is {content_type:?}; webhooks take application/json"
            )));
        }
    }
    let too_large = || Rejection {
        code: 413,
        message: format!(
            "the request body is larger than the limit of {} MiB",
            MAX_BODY_BYTES >> 20
        ),
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_DRAINED_BYTES) {
        return Err(too_large());
    }
    let mut stream = request.into_body().into_data_stream();
    let read = async {
        let mut body = Vec::new();
        let mut total = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk =
                chunk.map_err(|e| bad_request(format!("cannot read the request body: {e}")))?;
            total += chunk.len();
            if total <= MAX_BODY_BYTES {
                body.extend_from_slice(&chunk);
            } else if total > MAX_DRAINED_BYTES {
                return Err(too_large());
            } else {
                body = Vec::new();
            }
        }
        if total > MAX_BODY_BYTES {
            return Err(too_large());
        }
        Ok(body)
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .map_err(|_| Rejection {
            code: 408,
            message: format!("the request body did not arrive within {BODY_TIMEOUT:?}"),
        })?
}

/// Parses `body` as JSON and checks it is a review of `api_version` and `kind`.
fn parse_review(body: &[u8], api_version: &str, kind: &str) -> Result<Value, Rejection> {
    let review: Value = serde_json::from_slice(body)
        .map_err(|e| bad_request(format!("the request body is not JSON: {e}")))?;
    let found = |field: &str| {
        review
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or("(none)")
            .to_string()
    };
    let (found_version, found_kind) = (found("apiVersion"), found("kind"));
    if found_version != api_version || found_kind != kind {
        return Err(bad_request(format!(
            "expected a {api_version} {kind}, got apiVersion {found_version:?}, kind {found_kind:?}"
        )));
    }
    Ok(review)
}

async fn admit(
    webhook: &Webhook,
    body: &[u8],
    client: Option<Client>,
) -> Result<Response, Rejection> {
    let mut review = parse_review(body, ADMISSION_API_VERSION, "AdmissionReview")?;
    let Some(mut request) = review
        .get_mut("request")
        .map(Value::take)
        .filter(Value::is_object)
    else {
        return Err(bad_request("the AdmissionReview has no request".into()));
    };
    let take = |request: &mut Value, field: &str| {
        request
            .as_object_mut()
            .and_then(|r| r.remove(field))
            .filter(|v| !v.is_null())
    };
    let object = take(&mut request, "object");
    let old_object = take(&mut request, "oldObject");
    let request: AdmissionRequest<DynamicObject> = serde_json::from_value(request)
        .map_err(|e| bad_request(format!("the AdmissionReview's request is not valid: {e}")))?;
    let response: ResponseBody = webhook
        .handler
        .handle(
            RawRequest {
                request,
                object,
                old_object,
            },
            client,
        )
        .await?;
    json_response(&json!({
        "apiVersion": ADMISSION_API_VERSION,
        "kind": "AdmissionReview",
        "response": response,
    }))
}

fn convert(conversions: &[Arc<dyn ErasedConversion>], body: &[u8]) -> Result<Response, Rejection> {
    let review = parse_review(body, CONVERSION_API_VERSION, "ConversionReview")?;
    let review: ConversionReview = serde_json::from_value(review)
        .map_err(|e| bad_request(format!("the ConversionReview is not valid: {e}")))?;
    let mut request = ConversionRequest::from_review(review)
        .map_err(|_| bad_request("the ConversionReview has no request".into()))?;
    let desired = request.desired_api_version.clone();
    let objects = std::mem::take(&mut request.objects);
    let response = ConversionResponse::for_request(request);
    let converted: Result<Vec<Value>, String> = objects
        .into_iter()
        .map(|object| convert_one(conversions, object, &desired))
        .collect();
    let response = match converted {
        Ok(objects) => response.success(objects),
        Err(message) => {
            warn!(error = %message, "conversion failed");
            response.failure(Status::failure(&message, ""))
        }
    };
    json_response(&response.into_review())
}

fn convert_one(
    conversions: &[Arc<dyn ErasedConversion>],
    object: Value,
    desired: &str,
) -> Result<Value, String> {
    let text = |pointer: &str| {
        object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (api_version, kind, name) = (text("/apiVersion"), text("/kind"), text("/metadata/name"));
    let group = api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group)
        .to_string();
    let desired_group = desired.rsplit_once('/').map_or("", |(group, _)| group);
    if group != desired_group {
        return Err(format!(
            "cannot convert {api_version} {kind} {name:?} to another group ({desired})"
        ));
    }
    let conversion = conversions
        .iter()
        .find(|c| c.group() == group && c.kind() == kind)
        .ok_or_else(|| {
            format!(
                "no conversion is registered for {kind} in group {group:?} ({api_version} {name:?})"
            )
        })?;
    conversion
        .convert(object, desired)
        .map_err(|e| format!("converting {api_version} {kind} {name:?} to {desired}: {e}"))
}
