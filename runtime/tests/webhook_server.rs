//! The webhook server of a real Manager, spoken to over real HTTPS (rustls, a certificate
//! from rcgen in a temporary directory): defaulting with a JSON Patch, validation with field
//! errors and warnings, conversion through a hub, malformed requests, certificate rotation
//! and the webhook metrics.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use cargo_operator_runtime::testing;
use cargo_operator_runtime::webhook::{
    AdmissionContext, CONVERSION_PATH, Conversion, Defaulter, FieldError, MAX_BODY_BYTES,
    Validator, Warnings, Webhook, WebhookError, WebhookType, default_path_for,
};
use cargo_operator_runtime::{Manager, ManagerOptions, ResourceExt};
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Version 1 of the kind: `size`.
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
        pub size: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image: Option<String>,
    }
}

/// Version 2, the hub: `size` is now `replicas`, and `tier` exists only here.
mod v2 {
    use cargo_operator_runtime::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
    #[resource(
        group = "webapp.example.com",
        version = "v2",
        kind = "Guestbook",
        namespaced
    )]
    pub struct GuestbookSpec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tier: Option<String>,
    }
}

/// Where v1 keeps v2's `tier`, so that v2 → v1 → v2 loses nothing.
const TIER_ANNOTATION: &str = "webapp.example.com/tier";

static TO_HUB: AtomicUsize = AtomicUsize::new(0);
static FROM_HUB: AtomicUsize = AtomicUsize::new(0);

impl From<v1::Guestbook> for v2::Guestbook {
    fn from(old: v1::Guestbook) -> Self {
        TO_HUB.fetch_add(1, Ordering::SeqCst);
        let mut metadata = old.metadata;
        let tier = metadata
            .annotations
            .as_mut()
            .and_then(|a| a.remove(TIER_ANNOTATION));
        if metadata.annotations.as_ref().is_some_and(|a| a.is_empty()) {
            metadata.annotations = None;
        }
        v2::Guestbook {
            metadata,
            spec: v2::GuestbookSpec {
                replicas: old.spec.size,
                image: old.spec.image,
                tier,
            },
        }
    }
}

impl TryFrom<v2::Guestbook> for v1::Guestbook {
    type Error = String;

    fn try_from(hub: v2::Guestbook) -> Result<Self, String> {
        FROM_HUB.fetch_add(1, Ordering::SeqCst);
        if hub.spec.replicas.is_some_and(|r| r < 0) {
            return Err(format!(
                "replicas {} cannot be a v1 size",
                hub.spec.replicas.unwrap()
            ));
        }
        let mut metadata = hub.metadata;
        if let Some(tier) = hub.spec.tier {
            metadata
                .annotations
                .get_or_insert_default()
                .insert(TIER_ANNOTATION.into(), tier);
        }
        Ok(v1::Guestbook {
            metadata,
            spec: v1::GuestbookSpec {
                size: hub.spec.replicas,
                image: hub.spec.image,
            },
        })
    }
}

/// `size` defaults to 1, `image` to `nginx:1.27`, and a label is added.
struct GuestbookDefaulter;

impl Defaulter<v1::Guestbook> for GuestbookDefaulter {
    async fn default(
        &self,
        ctx: &AdmissionContext,
        guestbook: &mut v1::Guestbook,
    ) -> Result<(), WebhookError> {
        assert!(
            ctx.client.is_some(),
            "the manager's client is in the context"
        );
        if guestbook.spec.image.as_deref() == Some("fail") {
            return Err(WebhookError::internal(
                "the defaulter cannot reach its registry",
            ));
        }
        guestbook.spec.size.get_or_insert(1);
        guestbook
            .spec
            .image
            .get_or_insert_with(|| "nginx:1.27".into());
        guestbook
            .labels_mut()
            .insert("webapp.example.com/defaulted".into(), "true".into());
        Ok(())
    }
}

/// `size` at most 5; `:latest` images warn; the image cannot change; protected objects cannot
/// be deleted.
struct GuestbookValidator {
    calls: Arc<AtomicUsize>,
}

impl GuestbookValidator {
    fn check(guestbook: &v1::Guestbook) -> Result<Warnings, WebhookError> {
        let mut errors = Vec::new();
        if let Some(size) = guestbook.spec.size.filter(|s| *s > 5) {
            errors.push(FieldError::invalid("spec.size", size, "must be at most 5"));
        }
        if guestbook.spec.image.is_none() {
            errors.push(FieldError::required("spec.image", "the image to run"));
        }
        if !errors.is_empty() {
            return Err(WebhookError::invalid(errors));
        }
        let mut warnings = Vec::new();
        if guestbook
            .spec
            .image
            .as_deref()
            .is_some_and(|i| i.ends_with(":latest"))
        {
            warnings.push("spec.image: the :latest tag is not reproducible".to_string());
        }
        Ok(warnings)
    }
}

impl Validator<v1::Guestbook> for GuestbookValidator {
    async fn validate_create(
        &self,
        _: &AdmissionContext,
        guestbook: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Self::check(guestbook)
    }

    async fn validate_update(
        &self,
        _: &AdmissionContext,
        old: &v1::Guestbook,
        new: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if old.spec.image != new.spec.image {
            return Err(WebhookError::forbidden(format!(
                "spec.image cannot change (from {:?} to {:?})",
                old.spec.image.as_deref().unwrap_or_default(),
                new.spec.image.as_deref().unwrap_or_default()
            ))
            .with_warnings(["recreate the Guestbook instead"]));
        }
        Self::check(new)
    }

    async fn validate_delete(
        &self,
        ctx: &AdmissionContext,
        guestbook: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if guestbook.labels().get("protected").map(String::as_str) == Some("true") {
            return Err(WebhookError::msg(format!(
                "{} is protected (asked by {})",
                ctx.name,
                ctx.user_info.username.as_deref().unwrap_or("nobody")
            )));
        }
        Ok(vec![])
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A certificate for `localhost`; returns its DER and writes `tls.crt` and `tls.key` to `dir`.
fn new_cert() -> (CertificateDer<'static>, String, String) {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    (
        certified.cert.der().clone(),
        certified.cert.pem(),
        certified.signing_key.serialize_pem(),
    )
}

fn write_cert(dir: &Path, cert: &str, key: &str) {
    // Written next to the files, then renamed over them, as the kubelet swaps a Secret volume.
    std::fs::write(dir.join("tls.crt.new"), cert).unwrap();
    std::fs::write(dir.join("tls.key.new"), key).unwrap();
    std::fs::rename(dir.join("tls.crt.new"), dir.join("tls.crt")).unwrap();
    std::fs::rename(dir.join("tls.key.new"), dir.join("tls.key")).unwrap();
}

struct Harness {
    webhook_port: u16,
    metrics_port: u16,
    cert_dir: tempfile::TempDir,
    tls: Arc<rustls::ClientConfig>,
    validations: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<ExitCode>>,
    _api: testing::MockServer,
}

impl Harness {
    /// A manager with the three webhooks, trusting the certificates in `trusted` (the first is
    /// served).
    async fn start(trusted: &[&(CertificateDer<'static>, String, String)]) -> Self {
        let cert_dir = tempfile::tempdir().unwrap();
        write_cert(cert_dir.path(), &trusted[0].1, &trusted[0].2);
        let (webhook_port, metrics_port) = (free_port(), free_port());
        let options = ManagerOptions::try_parse_from([
            "guestbook-operator".to_string(),
            format!("--metrics-bind-address=127.0.0.1:{metrics_port}"),
            "--health-probe-bind-address=0".to_string(),
            "--webhook-host=127.0.0.1".to_string(),
            format!("--webhook-port={webhook_port}"),
            format!("--webhook-cert-path={}", cert_dir.path().display()),
        ])
        .unwrap();
        let (client, api) = testing::mock_client();
        let validations = Arc::new(AtomicUsize::new(0));
        let mut manager = Manager::with_client("guestbook-operator", options, client);
        manager
            .add_webhook(Webhook::defaulting::<v1::Guestbook>(GuestbookDefaulter))
            .add_webhook(Webhook::validating::<v1::Guestbook>(GuestbookValidator {
                calls: validations.clone(),
            }))
            .add_conversion(Conversion::<v2::Guestbook>::new().spoke::<v1::Guestbook>());
        assert_eq!(
            manager.webhook_paths(),
            [
                "/mutate-webapp-example-com-v1-guestbook",
                "/validate-webapp-example-com-v1-guestbook",
                "/convert"
            ]
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(manager.run_until(async {
            let _ = stopped.await;
        }));

        let mut roots = rustls::RootCertStore::empty();
        for cert in trusted {
            roots.add(cert.0.clone()).unwrap();
        }
        let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        // Full handshakes only: a resumed session shows the certificate it started with.
        tls.resumption = rustls::client::Resumption::disabled();
        let harness = Self {
            webhook_port,
            metrics_port,
            cert_dir,
            tls: Arc::new(tls),
            validations,
            stop: Some(stop),
            task: Some(task),
            _api: api,
        };
        // Wait for the server.
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", webhook_port))
                .await
                .is_ok()
            {
                return harness;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the webhook server did not start on port {webhook_port}");
    }

    async fn stop(mut self) {
        self.stop.take().unwrap().send(()).unwrap();
        let code = tokio::time::timeout(Duration::from_secs(10), self.task.take().unwrap())
            .await
            .expect("the manager stops")
            .unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
    }

    /// One HTTPS request; returns the status code, the body and the certificate the server
    /// presented.
    async fn request(&self, method: &str, path: &str, body: &[u8]) -> Response {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.webhook_port))
            .await
            .unwrap();
        let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
        let mut stream = connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .expect("TLS handshake with a trusted certificate");
        let certificate = stream.get_ref().1.peer_certificates().unwrap()[0].clone();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // A server that answers before reading everything may close early; the answer counts.
        let _ = stream.write_all(body).await;
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw).await;
        let response = parse_response(&raw);
        Response {
            certificate,
            ..response
        }
    }

    async fn post(&self, path: &str, review: &Value) -> Response {
        self.request("POST", path, review.to_string().as_bytes())
            .await
    }

    async fn metrics(&self) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", self.metrics_port))
            .await
            .unwrap();
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let response = parse_response(&raw);
        assert_eq!(response.code, 200);
        response.text
    }
}

#[derive(Debug)]
struct Response {
    code: u16,
    text: String,
    certificate: CertificateDer<'static>,
}

impl Response {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
}

/// An HTTP/1.1 response with a Content-Length or chunked body.
fn parse_response(raw: &[u8]) -> Response {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP response");
    let code = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            out.push_str(&tail[..size]);
            rest = &tail[size + 2..];
        }
        out
    } else {
        body.to_string()
    };
    Response {
        code,
        text: body,
        certificate: CertificateDer::from(Vec::new()),
    }
}

fn guestbook_v1(name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "webapp.example.com/v1",
        "kind": "Guestbook",
        "metadata": { "name": name, "namespace": "default", "uid": "u-1", "resourceVersion": "7" },
        "spec": spec,
    })
}

fn admission_review(
    uid: &str,
    operation: &str,
    object: Option<Value>,
    old_object: Option<Value>,
) -> Value {
    let name = object
        .as_ref()
        .or(old_object.as_ref())
        .and_then(|o| o["metadata"]["name"].as_str())
        .unwrap_or_default()
        .to_string();
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": { "group": "webapp.example.com", "version": "v1", "kind": "Guestbook" },
            "resource": { "group": "webapp.example.com", "version": "v1", "resource": "guestbooks" },
            "name": name,
            "namespace": "default",
            "operation": operation,
            "userInfo": { "username": "alice", "groups": ["system:authenticated"] },
            "object": object,
            "oldObject": old_object,
            "dryRun": false,
        }
    })
}

const MUTATE: &str = "/mutate-webapp-example-com-v1-guestbook";
const VALIDATE: &str = "/validate-webapp-example-com-v1-guestbook";

#[test]
fn paths_are_kubebuilders() {
    assert_eq!(
        default_path_for::<v1::Guestbook>(WebhookType::Mutating),
        MUTATE
    );
    assert_eq!(
        default_path_for::<v1::Guestbook>(WebhookType::Validating),
        VALIDATE
    );
    assert_eq!(
        default_path_for::<k8s_openapi::api::core::v1::Pod>(WebhookType::Mutating),
        "/mutate--v1-pod"
    );
    assert_eq!(CONVERSION_PATH, "/convert");
    let custom = Webhook::validating::<v1::Guestbook>(GuestbookValidator {
        calls: Arc::default(),
    })
    .with_path("validate-guestbooks");
    assert_eq!(custom.path(), "/validate-guestbooks");
}

#[tokio::test]
async fn the_defaulter_answers_with_a_json_patch() {
    let cert = new_cert();
    let harness = Harness::start(&[&cert]).await;

    // An object with an unknown field: the patch must not remove it.
    let mut original = guestbook_v1("test", json!({ "extra": "kept" }));
    let response = harness
        .post(
            MUTATE,
            &admission_review("uid-1", "CREATE", Some(original.clone()), None),
        )
        .await;
    assert_eq!(response.code, 200, "{}", response.text);
    let review = response.json();
    assert_eq!(review["apiVersion"], "admission.k8s.io/v1");
    assert_eq!(review["kind"], "AdmissionReview");
    let answer = &review["response"];
    assert_eq!(answer["uid"], "uid-1");
    assert_eq!(answer["allowed"], true);
    assert_eq!(answer["patchType"], "JSONPatch");
    let patch = base64::engine::general_purpose::STANDARD
        .decode(answer["patch"].as_str().expect("a base64 patch"))
        .unwrap();
    let patch: json_patch::Patch = serde_json::from_slice(&patch).unwrap();
    json_patch::patch(&mut original, &patch).unwrap();
    assert_eq!(original["spec"]["size"], 1);
    assert_eq!(original["spec"]["image"], "nginx:1.27");
    assert_eq!(original["spec"]["extra"], "kept");
    assert_eq!(
        original["metadata"]["labels"]["webapp.example.com/defaulted"],
        "true"
    );
    assert_eq!(original["metadata"]["resourceVersion"], "7");

    // Nothing to default: no patch.
    let defaulted = guestbook_v1("test", json!({ "size": 3, "image": "redis:7" }));
    let mut defaulted = defaulted;
    defaulted["metadata"]["labels"] = json!({ "webapp.example.com/defaulted": "true" });
    let review = harness
        .post(
            MUTATE,
            &admission_review("uid-2", "UPDATE", Some(defaulted.clone()), Some(defaulted)),
        )
        .await
        .json();
    assert_eq!(review["response"]["allowed"], true);
    assert!(review["response"].get("patch").is_none(), "{review}");
    assert!(review["response"].get("patchType").is_none(), "{review}");

    // Deletes are not defaulted.
    let review = harness
        .post(
            MUTATE,
            &admission_review(
                "uid-3",
                "DELETE",
                None,
                Some(guestbook_v1("test", json!({}))),
            ),
        )
        .await
        .json();
    assert_eq!(review["response"]["allowed"], true);
    assert!(review["response"].get("patch").is_none());

    // A defaulter's error denies the request with its code.
    let review = harness
        .post(
            MUTATE,
            &admission_review(
                "uid-4",
                "CREATE",
                Some(guestbook_v1("t", json!({ "image": "fail" }))),
                None,
            ),
        )
        .await
        .json();
    assert_eq!(review["response"]["allowed"], false);
    assert_eq!(review["response"]["status"]["code"], 500);
    assert_eq!(review["response"]["status"]["reason"], "InternalError");
    assert_eq!(
        review["response"]["status"]["message"],
        "the defaulter cannot reach its registry"
    );
    harness.stop().await;
}

#[tokio::test]
async fn the_validator_denies_with_field_errors_and_warns() {
    let cert = new_cert();
    let harness = Harness::start(&[&cert]).await;

    // Create: invalid.
    let review = harness
        .post(
            VALIDATE,
            &admission_review(
                "c-1",
                "CREATE",
                Some(guestbook_v1("big", json!({ "size": 10 }))),
                None,
            ),
        )
        .await
        .json();
    let answer = &review["response"];
    assert_eq!(answer["uid"], "c-1");
    assert_eq!(answer["allowed"], false);
    let status = &answer["status"];
    assert_eq!(status["status"], "Failure");
    assert_eq!(status["code"], 422);
    assert_eq!(status["reason"], "Invalid");
    assert_eq!(
        status["message"],
        "Guestbook.webapp.example.com \"big\" is invalid: [spec.size: Invalid value: 10: must be at most 5, spec.image: Required value: the image to run]"
    );
    assert_eq!(status["details"]["name"], "big");
    assert_eq!(status["details"]["group"], "webapp.example.com");
    assert_eq!(status["details"]["kind"], "Guestbook");
    assert_eq!(
        status["details"]["causes"],
        json!([
            { "reason": "FieldValueInvalid", "message": "Invalid value: 10: must be at most 5", "field": "spec.size" },
            { "reason": "FieldValueRequired", "message": "Required value: the image to run", "field": "spec.image" },
        ])
    );

    // Create: allowed, with a warning.
    let latest = guestbook_v1("web", json!({ "size": 2, "image": "nginx:latest" }));
    let review = harness
        .post(
            VALIDATE,
            &admission_review("c-2", "CREATE", Some(latest.clone()), None),
        )
        .await
        .json();
    assert_eq!(review["response"]["allowed"], true, "{review}");
    assert_eq!(review["response"]["status"]["code"], 200);
    assert_eq!(
        review["response"]["warnings"],
        json!(["spec.image: the :latest tag is not reproducible"])
    );

    // Update: the old object comes from oldObject.
    let pinned = guestbook_v1("web", json!({ "size": 2, "image": "nginx:1.27" }));
    let review = harness
        .post(
            VALIDATE,
            &admission_review("u-1", "UPDATE", Some(pinned.clone()), Some(latest.clone())),
        )
        .await
        .json();
    let answer = &review["response"];
    assert_eq!(answer["allowed"], false, "{review}");
    assert_eq!(answer["status"]["code"], 403);
    assert_eq!(answer["status"]["reason"], "Forbidden");
    assert_eq!(
        answer["status"]["message"],
        "spec.image cannot change (from \"nginx:latest\" to \"nginx:1.27\")"
    );
    assert_eq!(
        answer["warnings"],
        json!(["recreate the Guestbook instead"])
    );
    let mut resized = pinned.clone();
    resized["spec"]["size"] = json!(3);
    let review = harness
        .post(
            VALIDATE,
            &admission_review("u-2", "UPDATE", Some(resized), Some(pinned.clone())),
        )
        .await
        .json();
    assert_eq!(review["response"]["allowed"], true, "{review}");

    // Delete: the object being deleted comes from oldObject.
    let mut protected = pinned.clone();
    protected["metadata"]["labels"] = json!({ "protected": "true" });
    let review = harness
        .post(
            VALIDATE,
            &admission_review("d-1", "DELETE", None, Some(protected)),
        )
        .await
        .json();
    let answer = &review["response"];
    assert_eq!(answer["allowed"], false);
    assert_eq!(answer["status"]["code"], 403);
    assert_eq!(
        answer["status"]["message"],
        "web is protected (asked by alice)"
    );
    let review = harness
        .post(
            VALIDATE,
            &admission_review("d-2", "DELETE", None, Some(pinned)),
        )
        .await
        .json();
    assert_eq!(review["response"]["allowed"], true);

    assert_eq!(harness.validations.load(Ordering::SeqCst), 6);
    harness.stop().await;
}

fn conversion_review(desired: &str, objects: Vec<Value>) -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "ConversionReview",
        "request": { "uid": "conv-1", "desiredAPIVersion": desired, "objects": objects },
    })
}

#[tokio::test]
async fn conversions_go_through_the_hub_and_back() {
    let cert = new_cert();
    let harness = Harness::start(&[&cert]).await;
    let (to_hub, from_hub) = (
        TO_HUB.load(Ordering::SeqCst),
        FROM_HUB.load(Ordering::SeqCst),
    );

    // v2 (the hub, with a tier) → v1: the tier goes into an annotation.
    let hub = json!({
        "apiVersion": "webapp.example.com/v2",
        "kind": "Guestbook",
        "metadata": { "name": "web", "namespace": "default", "uid": "u-9", "resourceVersion": "12",
                      "labels": { "app": "web" } },
        "spec": { "replicas": 3, "image": "nginx:1.27", "tier": "frontend" },
    });
    let review = harness
        .post(
            CONVERSION_PATH,
            &conversion_review("webapp.example.com/v1", vec![hub.clone()]),
        )
        .await;
    assert_eq!(review.code, 200, "{}", review.text);
    let review = review.json();
    assert_eq!(review["apiVersion"], "apiextensions.k8s.io/v1");
    assert_eq!(review["kind"], "ConversionReview");
    let answer = &review["response"];
    assert_eq!(answer["uid"], "conv-1");
    assert_eq!(answer["result"]["status"], "Success", "{review}");
    let spoke = &answer["convertedObjects"][0];
    assert_eq!(spoke["apiVersion"], "webapp.example.com/v1");
    assert_eq!(spoke["kind"], "Guestbook");
    assert_eq!(spoke["spec"], json!({ "size": 3, "image": "nginx:1.27" }));
    assert_eq!(
        spoke["metadata"]["annotations"][TIER_ANNOTATION],
        "frontend"
    );
    assert_eq!(spoke["metadata"]["labels"]["app"], "web");
    assert_eq!(spoke["metadata"]["uid"], "u-9");
    assert_eq!(spoke["metadata"]["resourceVersion"], "12");

    // ... and back to v2: the tier survives.
    let review = harness
        .post(
            CONVERSION_PATH,
            &conversion_review("webapp.example.com/v2", vec![spoke.clone()]),
        )
        .await
        .json();
    let back = &review["response"]["convertedObjects"][0];
    assert_eq!(back["apiVersion"], "webapp.example.com/v2");
    assert_eq!(back["spec"], hub["spec"]);
    assert!(back["metadata"].get("annotations").is_none(), "{back}");
    assert_eq!(back["metadata"], hub["metadata"]);
    assert_eq!(TO_HUB.load(Ordering::SeqCst), to_hub + 1);
    assert_eq!(FROM_HUB.load(Ordering::SeqCst), from_hub + 1);

    // Several objects; those already in the desired version are returned unchanged.
    let review = harness
        .post(
            CONVERSION_PATH,
            &conversion_review("webapp.example.com/v2", vec![hub.clone(), spoke.clone()]),
        )
        .await
        .json();
    let converted = review["response"]["convertedObjects"].as_array().unwrap();
    assert_eq!(converted.len(), 2);
    assert_eq!(converted[0], hub);
    assert_eq!(converted[1]["spec"], hub["spec"]);

    // A converter's error, or a kind without conversion: a Failure result.
    let mut negative = hub.clone();
    negative["spec"]["replicas"] = json!(-1);
    let review = harness
        .post(
            CONVERSION_PATH,
            &conversion_review("webapp.example.com/v1", vec![negative]),
        )
        .await;
    assert_eq!(review.code, 200);
    let result = &review.json()["response"]["result"];
    assert_eq!(result["status"], "Failure");
    let message = result["message"].as_str().unwrap();
    assert!(
        message.contains("replicas -1 cannot be a v1 size") && message.contains("\"web\""),
        "{message}"
    );
    let other = json!({ "apiVersion": "webapp.example.com/v1", "kind": "Shelf", "metadata": { "name": "s" } });
    let review = harness
        .post(
            CONVERSION_PATH,
            &conversion_review("webapp.example.com/v2", vec![other]),
        )
        .await
        .json();
    assert_eq!(review["response"]["result"]["status"], "Failure");
    assert!(
        review["response"]["result"]["message"]
            .as_str()
            .unwrap()
            .contains("no conversion is registered for Shelf"),
        "{review}"
    );
    harness.stop().await;
}

/// Bad requests get a 400 (413, 405, 404) with a `Status` saying why, and the next request
/// is answered.
#[tokio::test]
async fn malformed_requests_are_rejected_and_the_server_keeps_serving() {
    let cert = new_cert();
    let harness = Harness::start(&[&cert]).await;
    let good = admission_review(
        "ok",
        "CREATE",
        Some(guestbook_v1(
            "web",
            json!({ "size": 1, "image": "nginx:1.27" }),
        )),
        None,
    );
    let config_map = json!({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "cm" }, "data": {}
    });
    let mut wrong_object = good.clone();
    wrong_object["request"]["object"] = config_map.clone();
    let mut wrong_kind = good.clone();
    wrong_kind["request"]["kind"] = json!({ "group": "", "version": "v1", "kind": "ConfigMap" });
    wrong_kind["request"]["object"] = config_map;
    let mut undecodable = good.clone();
    undecodable["request"]["object"]["spec"]["size"] = json!("three");
    let mut wrong_version = good.clone();
    wrong_version["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let mut no_request = good.clone();
    no_request.as_object_mut().unwrap().remove("request");
    let oversized = {
        let mut review = good.clone();
        review["request"]["object"]["spec"]["image"] = json!("x".repeat(MAX_BODY_BYTES));
        review.to_string().into_bytes()
    };

    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "POST",
            VALIDATE,
            b"{not json".to_vec(),
            400,
            "the request body is not JSON",
        ),
        (
            "POST",
            VALIDATE,
            wrong_version.to_string().into_bytes(),
            400,
            "expected a admission.k8s.io/v1 AdmissionReview, got apiVersion \"admission.k8s.io/v1beta1\"",
        ),
        (
            "POST",
            VALIDATE,
            no_request.to_string().into_bytes(),
            400,
            "the AdmissionReview has no request",
        ),
        (
            "POST",
            VALIDATE,
            wrong_object.to_string().into_bytes(),
            400,
            "request.object is a v1 ConfigMap, but this webhook admits webapp.example.com/v1 Guestbook",
        ),
        (
            "POST",
            MUTATE,
            wrong_kind.to_string().into_bytes(),
            400,
            "this webhook admits webapp.example.com/v1 Guestbook, but the AdmissionReview is for v1 ConfigMap",
        ),
        (
            "POST",
            MUTATE,
            undecodable.to_string().into_bytes(),
            400,
            "request.object is not a valid webapp.example.com/v1 Guestbook: invalid type: string \"three\"",
        ),
        (
            "POST",
            CONVERSION_PATH,
            good.to_string().into_bytes(),
            400,
            "expected a apiextensions.k8s.io/v1 ConversionReview",
        ),
        (
            "POST",
            VALIDATE,
            oversized,
            413,
            "larger than the limit of 8 MiB",
        ),
        (
            "GET",
            VALIDATE,
            Vec::new(),
            405,
            "webhooks take POST requests",
        ),
        (
            "POST",
            "/validate-nothing",
            good.to_string().into_bytes(),
            404,
            "no webhook is served at /validate-nothing",
        ),
    ];
    for (method, path, body, code, message) in cases {
        let response = harness.request(method, path, &body).await;
        assert_eq!(response.code, code, "{method} {path}: {}", response.text);
        let status = response.json();
        assert_eq!(status["kind"], "Status");
        assert_eq!(status["code"], code);
        assert!(
            status["message"].as_str().unwrap().contains(message),
            "{method} {path}: expected {message:?} in {status}"
        );
        // The server still answers.
        let review = harness.post(VALIDATE, &good).await;
        assert_eq!(review.code, 200, "after {message:?}: {}", review.text);
        assert_eq!(review.json()["response"]["allowed"], true);
    }
    harness.stop().await;
}

#[tokio::test]
async fn a_renewed_certificate_is_served_without_a_restart() {
    let (first, second) = (new_cert(), new_cert());
    let harness = Harness::start(&[&first, &second]).await;
    let review = admission_review(
        "r",
        "CREATE",
        Some(guestbook_v1(
            "web",
            json!({ "size": 1, "image": "nginx:1.27" }),
        )),
        None,
    );
    let response = harness.post(VALIDATE, &review).await;
    assert_eq!(response.code, 200);
    assert_eq!(response.certificate, first.0);

    // cert-manager renews the certificate.
    write_cert(harness.cert_dir.path(), &second.1, &second.2);
    let mut served = response.certificate;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let response = harness.post(VALIDATE, &review).await;
        assert_eq!(response.code, 200);
        served = response.certificate;
        if served == second.0 {
            break;
        }
    }
    assert_eq!(served, second.0, "the renewed certificate is served");

    // A broken update keeps the last good certificate.
    std::fs::write(harness.cert_dir.path().join("tls.crt"), "not a certificate").unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let response = harness.post(VALIDATE, &review).await;
    assert_eq!(response.code, 200);
    assert_eq!(response.certificate, second.0);

    // ... until a good one comes.
    write_cert(harness.cert_dir.path(), &first.1, &first.2);
    let mut served = response.certificate;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        served = harness.post(VALIDATE, &review).await.certificate;
        if served == first.0 {
            break;
        }
    }
    assert_eq!(served, first.0);
    harness.stop().await;
}

#[tokio::test]
async fn webhook_metrics_are_served_with_controller_runtimes_names() {
    let cert = new_cert();
    let harness = Harness::start(&[&cert]).await;
    // Before any request: 0 for the codes 200 and 500, as controller-runtime exports them.
    let text = harness.metrics().await;
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    let value = |scrape: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]| {
        scrape
            .samples
            .iter()
            .find(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                prometheus_parse::Value::Histogram(ref h) => {
                    h.iter().map(|b| b.count).fold(0.0, f64::max)
                }
                _ => f64::NAN,
            })
    };
    for path in [MUTATE, VALIDATE, CONVERSION_PATH] {
        for code in ["200", "500"] {
            assert_eq!(
                value(
                    &scrape,
                    "controller_runtime_webhook_requests_total",
                    &[("webhook", path), ("code", code)]
                ),
                Some(0.0),
                "{path} {code} in\n{text}"
            );
        }
        assert_eq!(
            value(
                &scrape,
                "controller_runtime_webhook_requests_in_flight",
                &[("webhook", path)]
            ),
            Some(0.0)
        );
    }

    let good = admission_review(
        "m",
        "CREATE",
        Some(guestbook_v1(
            "web",
            json!({ "size": 1, "image": "nginx:1.27" }),
        )),
        None,
    );
    for _ in 0..3 {
        assert_eq!(harness.post(VALIDATE, &good).await.code, 200);
    }
    assert_eq!(harness.request("POST", VALIDATE, b"[").await.code, 400);
    assert_eq!(harness.post(MUTATE, &good).await.code, 200);

    let text = harness.metrics().await;
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string()))).unwrap();
    let total = |path, code| {
        value(
            &scrape,
            "controller_runtime_webhook_requests_total",
            &[("webhook", path), ("code", code)],
        )
    };
    assert_eq!(total(VALIDATE, "200"), Some(3.0), "{text}");
    assert_eq!(total(VALIDATE, "400"), Some(1.0));
    assert_eq!(total(MUTATE, "200"), Some(1.0));
    assert_eq!(total(CONVERSION_PATH, "200"), Some(0.0));
    // The histogram's +Inf bucket counts every request of the path.
    assert_eq!(
        value(
            &scrape,
            "controller_runtime_webhook_latency_seconds",
            &[("webhook", VALIDATE)]
        ),
        Some(4.0),
        "{text}"
    );
    assert!(
        text.contains(
            "controller_runtime_webhook_latency_seconds_bucket{le=\"0.005\",webhook=\"/validate-webapp-example-com-v1-guestbook\"}"
        ) || text.contains(
            "controller_runtime_webhook_latency_seconds_bucket{webhook=\"/validate-webapp-example-com-v1-guestbook\",le=\"0.005\"}"
        ),
        "controller-runtime's buckets:\n{text}"
    );
    assert_eq!(
        value(
            &scrape,
            "controller_runtime_webhook_requests_in_flight",
            &[("webhook", VALIDATE)]
        ),
        Some(0.0)
    );
    harness.stop().await;
}
