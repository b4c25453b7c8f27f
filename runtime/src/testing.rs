//! A scripted mock API server for fast reconciler unit tests (no cluster, no binaries).
//!
//! How a scaffolded reconciler test uses it (the real thing is `tests/scaffold_derive.rs`):
//!
//! ```text
//! let (client, mut server) = testing::mock_client();
//! let obj: Guestbook = testing::object("test", "default", json!({"size": 1}));
//! let ctx = Arc::new(Context::new(client, "guestbook"));
//! let run = tokio::spawn(reconcile(Arc::new(obj.clone()), ctx));
//! let patch = server
//!     .expect_patch_status("/apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status",
//!                          &serde_json::to_value(&obj).unwrap())
//!     .await;
//! assert_eq!(patch.body["status"]["conditions"][0]["type"], "Ready");
//! let event = server.expect_event().await;
//! assert_eq!(event.body["type"], "Normal");
//! run.await.unwrap().unwrap();
//! ```
//!
//! The reconciler runs in a spawned task; the test plays the API server, one request at a
//! time, in order. Any request other than the expected one fails the test with a message
//! naming both, and so does an expected request that does not come within the timeout.

use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use kube::Client;
use kube::client::Body;
use kube::core::Resource;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tower_test::mock::{Handle, SendResponse};

/// How long an `expect_*` waits for the request by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A client whose requests go to the returned [`MockServer`] (default namespace `default`).
pub fn mock_client() -> (Client, MockServer) {
    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let client = Client::new(service, "default");
    (
        client,
        MockServer {
            handle,
            timeout: DEFAULT_TIMEOUT,
        },
    )
}

/// A test object of kind `K` as the API server would return it: `metadata` with `name`,
/// `namespace`, `uid`, `generation: 1` and `resourceVersion`, plus the given `spec`.
///
/// # Panics
/// When `spec` does not deserialize into `K`'s spec.
pub fn object<K: Resource<DynamicType = ()> + DeserializeOwned>(
    name: &str,
    namespace: &str,
    spec: Value,
) -> K {
    let mut metadata = json!({
        "name": name,
        "uid": format!("00000000-0000-0000-0000-{:012x}", name.len()),
        "generation": 1,
        "resourceVersion": "1",
        "creationTimestamp": "2024-01-01T00:00:00Z",
    });
    if !namespace.is_empty() {
        metadata["namespace"] = json!(namespace);
    }
    let value = json!({
        "apiVersion": K::api_version(&()),
        "kind": K::kind(&()),
        "metadata": metadata,
        "spec": spec,
    });
    serde_json::from_value(value.clone()).unwrap_or_else(|e| {
        panic!(
            "testing::object: {value} is not a valid {}: {e}",
            K::kind(&())
        )
    })
}

/// A request the reconciler made.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: Method,
    /// Path without the query, e.g. `/api/v1/namespaces/default/configmaps/x`.
    pub path: String,
    /// The raw query string, if any (e.g. `fieldManager=...`).
    pub query: Option<String>,
    /// Request headers (e.g. `content-type` tells the patch type).
    pub headers: http::HeaderMap,
    /// The body as JSON (`Value::Null` when empty or not JSON).
    pub body: Value,
}

impl RecordedRequest {
    /// The value of the query parameter `key`, if present.
    pub fn query_param(&self, key: &str) -> Option<String> {
        self.query.as_deref()?.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == key).then(|| v.to_string())
        })
    }

    /// The `content-type` header (for patches: `application/merge-patch+json`,
    /// `application/apply-patch+yaml`, ...).
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(http::header::CONTENT_TYPE)?.to_str().ok()
    }
}

impl std::fmt::Display for RecordedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        if !self.body.is_null() {
            write!(f, " with body {}", self.body)?;
        }
        Ok(())
    }
}

/// Answers one request.
pub struct Responder(SendResponse<Response<Body>>);

impl std::fmt::Debug for Responder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Responder")
    }
}

impl Responder {
    /// Answers with `status` and a JSON body.
    pub fn json(self, status: u16, body: &Value) {
        let response = Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::to_vec(body).expect("JSON serializes"),
            ))
            .expect("valid response");
        self.0.send_response(response);
    }

    /// Answers with a Kubernetes `Status` error, e.g. `(404, "NotFound")` or
    /// `(409, "Conflict")`.
    pub fn status(self, code: u16, reason: &str) {
        let message = StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or(reason)
            .to_string();
        self.json(
            code,
            &json!({
                "kind": "Status", "apiVersion": "v1", "metadata": {},
                "status": "Failure", "message": message, "reason": reason, "code": code,
            }),
        );
    }
}

/// The API server side of [`mock_client`].
pub struct MockServer {
    handle: Handle<Request<Body>, Response<Body>>,
    timeout: Duration,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Changes how long each `expect_*` waits.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The next request and its responder, or `None` if none comes within the timeout (or
    /// every client is gone). For anything the `expect_*` helpers do not cover.
    pub async fn next_request(&mut self) -> Option<(RecordedRequest, Responder)> {
        let (request, send) = tokio::time::timeout(self.timeout, self.handle.next_request())
            .await
            .ok()??;
        let (parts, body) = request.into_parts();
        let bytes = body.collect_bytes().await.unwrap_or_default();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        let recorded = RecordedRequest {
            method: parts.method,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
        };
        Some((recorded, Responder(send)))
    }

    /// Waits for a request with `method` and `path` (a `*` segment matches any one segment),
    /// answers it with `status` and `response`, and returns it.
    ///
    /// # Panics
    /// On any other request, or none within the timeout.
    pub async fn expect(
        &mut self,
        method: Method,
        path: &str,
        status: u16,
        response: &Value,
    ) -> RecordedRequest {
        let (request, responder) = self.expect_request(&method, path).await;
        responder.json(status, response);
        request
    }

    /// Waits for the request like [`expect`](Self::expect) but lets the caller answer.
    pub async fn expect_request(
        &mut self,
        method: &Method,
        path: &str,
    ) -> (RecordedRequest, Responder) {
        let Some((request, responder)) = self.next_request().await else {
            panic!(
                "mock API server: expected {method} {path}, but no request arrived within {:?} \
                 (did the reconciler return or fail before making it?)",
                self.timeout
            );
        };
        if request.method != *method || !path_matches(path, &request.path) {
            responder.status(500, "UnexpectedRequest");
            panic!("mock API server: expected {method} {path}, but got {request}");
        }
        (request, responder)
    }

    /// Expects a GET of `path`, answering `response`.
    pub async fn expect_get(&mut self, path: &str, response: &Value) -> RecordedRequest {
        self.expect(Method::GET, path, 200, response).await
    }

    /// Expects a POST (create) to `path`, answering 201 with `response`.
    pub async fn expect_create(&mut self, path: &str, response: &Value) -> RecordedRequest {
        self.expect(Method::POST, path, 201, response).await
    }

    /// Expects a PUT (replace) of `path`, answering `response`.
    pub async fn expect_replace(&mut self, path: &str, response: &Value) -> RecordedRequest {
        self.expect(Method::PUT, path, 200, response).await
    }

    /// Expects a PATCH of `path`, answering `response`.
    pub async fn expect_patch(&mut self, path: &str, response: &Value) -> RecordedRequest {
        self.expect(Method::PATCH, path, 200, response).await
    }

    /// Expects a PATCH of the status subresource `path` (which must end in `/status`),
    /// answering `response` (the whole object after the patch).
    pub async fn expect_patch_status(&mut self, path: &str, response: &Value) -> RecordedRequest {
        assert!(
            path.ends_with("/status"),
            "expect_patch_status: {path} is not a status subresource path (…/status)"
        );
        self.expect(Method::PATCH, path, 200, response).await
    }

    /// Expects a DELETE of `path`, answering `response`.
    pub async fn expect_delete(&mut self, path: &str, response: &Value) -> RecordedRequest {
        self.expect(Method::DELETE, path, 200, response).await
    }

    /// Expects a request answered with a Kubernetes error, e.g.
    /// `expect_error(Method::GET, path, 404, "NotFound")`.
    pub async fn expect_error(
        &mut self,
        method: Method,
        path: &str,
        code: u16,
        reason: &str,
    ) -> RecordedRequest {
        let (request, responder) = self.expect_request(&method, path).await;
        responder.status(code, reason);
        request
    }

    /// Expects an `events.k8s.io/v1` Event being published in any namespace: a POST of a new
    /// Event or a PATCH of a repeated one (an Event series). Answers with the Event and
    /// returns the request; `body["type"]`, `["reason"]`, `["note"]`, `["action"]` and
    /// `["regarding"]` describe it.
    pub async fn expect_event(&mut self) -> RecordedRequest {
        let Some((request, responder)) = self.next_request().await else {
            panic!(
                "mock API server: expected an Event (POST /apis/events.k8s.io/v1/namespaces/*/events), \
                 but no request arrived within {:?}",
                self.timeout
            );
        };
        let is_event = (request.method == Method::POST
            && path_matches("/apis/events.k8s.io/v1/namespaces/*/events", &request.path))
            || (request.method == Method::PATCH
                && path_matches(
                    "/apis/events.k8s.io/v1/namespaces/*/events/*",
                    &request.path,
                ));
        if !is_event {
            responder.status(500, "UnexpectedRequest");
            panic!(
                "mock API server: expected an Event (POST /apis/events.k8s.io/v1/namespaces/*/events), but got {request}"
            );
        }
        let status = if request.method == Method::POST {
            201
        } else {
            200
        };
        responder.json(status, &request.body);
        request
    }

    /// Asserts that no request arrives within `within`.
    pub async fn expect_no_request(&mut self, within: Duration) {
        if let Ok(Some((request, send))) =
            tokio::time::timeout(within, self.handle.next_request()).await
        {
            let (parts, _) = request.into_parts();
            Responder(send).status(500, "UnexpectedRequest");
            panic!(
                "mock API server: expected no request, but got {} {}",
                parts.method, parts.uri
            );
        }
    }
}

/// Whether `path` matches `pattern`, where a `*` segment matches any one segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let path: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    pattern.len() == path.len() && pattern.iter().zip(&path).all(|(p, s)| *p == "*" || p == s)
}
