//! Admission webhooks: [`Defaulter`] (mutating) and [`Validator`] (validating) for a typed
//! object, and the [`Webhook`] that serves one of them.

use std::fmt::Debug;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use futures::future::BoxFuture;
use k8s_openapi::api::authentication::v1::UserInfo;
use kube::Client;
use kube::core::admission::{AdmissionRequest, Operation};
use kube::core::{DynamicObject, GroupVersionKind, Resource, Status};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::WebhookError;
use super::{WebhookType, default_path};

/// What validators return on success: warnings for the client (`kubectl` prints them).
pub type Warnings = Vec<String>;

/// Everything an admission or conversion webhook can handle: a Kubernetes object type.
pub trait WebhookResource:
    Resource<DynamicType = ()> + Serialize + DeserializeOwned + Clone + Debug + Send + Sync + 'static
{
}

impl<K> WebhookResource for K where
    K: Resource<DynamicType = ()>
        + Serialize
        + DeserializeOwned
        + Clone
        + Debug
        + Send
        + Sync
        + 'static
{
}

/// Sets defaults on the objects of kind `K` being created or updated: a mutating webhook
/// (controller-runtime's `CustomDefaulter`). Not called for deletes.
///
/// ```
/// # use cargo_operator_runtime::webhook::{AdmissionContext, Defaulter, WebhookError};
/// # use k8s_openapi::api::core::v1::ConfigMap;
/// struct ConfigMapDefaulter;
///
/// impl Defaulter<ConfigMap> for ConfigMapDefaulter {
///     async fn default(&self, _: &AdmissionContext, cm: &mut ConfigMap) -> Result<(), WebhookError> {
///         cm.data.get_or_insert_default().entry("mode".into()).or_insert("safe".into());
///         Ok(())
///     }
/// }
/// ```
pub trait Defaulter<K>: Send + Sync + 'static {
    /// Sets defaults on the object being created or updated.
    fn default(
        &self,
        ctx: &AdmissionContext,
        object: &mut K,
    ) -> impl Future<Output = Result<(), WebhookError>> + Send;
}

/// Checks the objects of kind `K` being created, updated or deleted: a validating webhook
/// (controller-runtime's `CustomValidator`). `Ok` admits the request, with warnings; an
/// error denies it.
pub trait Validator<K>: Send + Sync + 'static {
    /// Checks an object being created.
    fn validate_create(
        &self,
        ctx: &AdmissionContext,
        object: &K,
    ) -> impl Future<Output = Result<Warnings, WebhookError>> + Send;

    /// Checks an update from `old` to `new`.
    fn validate_update(
        &self,
        ctx: &AdmissionContext,
        old: &K,
        new: &K,
    ) -> impl Future<Output = Result<Warnings, WebhookError>> + Send;

    /// Checks an object being deleted (only called when the webhook is registered for
    /// `DELETE`).
    fn validate_delete(
        &self,
        ctx: &AdmissionContext,
        object: &K,
    ) -> impl Future<Output = Result<Warnings, WebhookError>> + Send;
}

/// The request an admission webhook is answering: who does what to which object.
#[derive(Clone)]
#[non_exhaustive]
pub struct AdmissionContext {
    /// The request's uid (echoed in the response).
    pub uid: String,
    /// `CREATE`, `UPDATE`, `DELETE` or `CONNECT`.
    pub operation: Operation,
    /// The user making the request.
    pub user_info: UserInfo,
    /// The object's namespace, for namespaced kinds.
    pub namespace: Option<String>,
    /// The object's name; empty on a create with `generateName`.
    pub name: String,
    /// The subresource, e.g. `status`, if the request is for one.
    pub sub_resource: Option<String>,
    /// Whether nothing will be persisted (`kubectl --dry-run=server`): a webhook with side
    /// effects must not have them.
    pub dry_run: bool,
    /// A client for the API server: the manager's.
    pub client: Option<Client>,
}

impl Debug for AdmissionContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdmissionContext")
            .field("uid", &self.uid)
            .field("operation", &self.operation)
            .field("user_info", &self.user_info)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("sub_resource", &self.sub_resource)
            .field("dry_run", &self.dry_run)
            .field("client", &self.client.as_ref().map(|_| "Client"))
            .finish()
    }
}

impl AdmissionContext {
    /// A context for `operation` with everything else empty — for unit tests of defaulters
    /// and validators.
    pub fn new(operation: Operation) -> Self {
        Self {
            uid: String::new(),
            operation,
            user_info: UserInfo::default(),
            namespace: None,
            name: String::new(),
            sub_resource: None,
            dry_run: false,
            client: None,
        }
    }

    /// The client, or an internal error when there is none.
    pub fn client(&self) -> Result<&Client, WebhookError> {
        self.client
            .as_ref()
            .ok_or_else(|| WebhookError::internal("no Kubernetes client in this context"))
    }
}

/// An admission request whose objects are still JSON.
pub(crate) struct RawRequest {
    pub(crate) request: AdmissionRequest<DynamicObject>,
    pub(crate) object: Option<Value>,
    pub(crate) old_object: Option<Value>,
}

/// A request the webhook cannot answer: HTTP 400 (or 500 for a failure of its own), with
/// a message saying why.
#[derive(Debug)]
pub(crate) struct Rejection {
    pub(crate) code: u16,
    pub(crate) message: String,
}

pub(crate) fn bad_request(message: String) -> Rejection {
    Rejection { code: 400, message }
}

fn internal(message: String) -> Rejection {
    Rejection { code: 500, message }
}

/// The `response` of an `AdmissionReview`. (kube-core's `AdmissionResponse` writes `patch`
/// as an array of numbers; the API's documented encoding is base64, written here.)
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResponseBody {
    pub(crate) uid: String,
    pub(crate) allowed: bool,
    pub(crate) status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) patch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) patch_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Warnings,
}

impl ResponseBody {
    pub(crate) fn allowed(uid: &str, warnings: Warnings) -> Self {
        Self {
            uid: uid.to_string(),
            allowed: true,
            status: Status::default().with_code(200),
            patch: None,
            patch_type: None,
            warnings,
        }
    }

    pub(crate) fn denied(uid: &str, status: Status, warnings: Warnings) -> Self {
        Self {
            uid: uid.to_string(),
            allowed: false,
            status,
            patch: None,
            patch_type: None,
            warnings,
        }
    }
}

/// One type-erased admission webhook.
pub(crate) trait AdmissionHandler: Send + Sync {
    fn handle(
        &self,
        request: RawRequest,
        client: Option<Client>,
    ) -> BoxFuture<'_, Result<ResponseBody, Rejection>>;
}

/// A mutating or validating webhook for one kind, at a path (kubebuilder's by default):
/// register it with [`Manager::add_webhook`](crate::Manager::add_webhook).
#[derive(Clone)]
pub struct Webhook {
    webhook_type: WebhookType,
    path: String,
    gvk: GroupVersionKind,
    pub(crate) handler: Arc<dyn AdmissionHandler>,
}

impl Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("type", &self.webhook_type)
            .field("path", &self.path)
            .field("gvk", &self.gvk)
            .finish_non_exhaustive()
    }
}

impl Webhook {
    /// A mutating webhook calling `defaulter`, at `/mutate-<group>-<version>-<kind>`.
    pub fn defaulting<K: WebhookResource>(defaulter: impl Defaulter<K>) -> Self {
        Self::new::<K>(
            WebhookType::Mutating,
            Arc::new(Defaulting {
                defaulter,
                kind: PhantomData,
            }),
        )
    }

    /// A validating webhook calling `validator`, at `/validate-<group>-<version>-<kind>`.
    pub fn validating<K: WebhookResource>(validator: impl Validator<K>) -> Self {
        Self::new::<K>(
            WebhookType::Validating,
            Arc::new(Validating {
                validator,
                kind: PhantomData,
            }),
        )
    }

    fn new<K: WebhookResource>(
        webhook_type: WebhookType,
        handler: Arc<dyn AdmissionHandler>,
    ) -> Self {
        let gvk = gvk_of::<K>();
        Self {
            webhook_type,
            path: default_path(webhook_type, &gvk.group, &gvk.version, &gvk.kind),
            gvk,
            handler,
        }
    }

    /// Serves the webhook at `path` instead of kubebuilder's default path (a leading `/` is
    /// added if missing).
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        self
    }

    /// Where the webhook is served.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Mutating or validating.
    pub fn webhook_type(&self) -> WebhookType {
        self.webhook_type
    }

    /// The group, version and kind it admits.
    pub fn gvk(&self) -> &GroupVersionKind {
        &self.gvk
    }
}

pub(crate) fn gvk_of<K: Resource<DynamicType = ()>>() -> GroupVersionKind {
    GroupVersionKind {
        group: K::group(&()).into_owned(),
        version: K::version(&()).into_owned(),
        kind: K::kind(&()).into_owned(),
    }
}

struct Defaulting<K, D> {
    defaulter: D,
    kind: PhantomData<fn() -> K>,
}

impl<K: WebhookResource, D: Defaulter<K>> AdmissionHandler for Defaulting<K, D> {
    fn handle(
        &self,
        raw: RawRequest,
        client: Option<Client>,
    ) -> BoxFuture<'_, Result<ResponseBody, Rejection>> {
        Box::pin(async move {
            check_kind::<K>(&raw.request)?;
            let ctx = context(&raw.request, client);
            // Defaults are for objects being written; a delete has nothing to default.
            if matches!(ctx.operation, Operation::Delete | Operation::Connect) {
                return Ok(ResponseBody::allowed(&ctx.uid, Vec::new()));
            }
            let original = raw
                .object
                .ok_or_else(|| bad_request("request.object is missing".into()))?;
            let mut object: K = decode(&original, "request.object")?;
            let baseline = to_json(&object)?;
            if let Err(mut e) = self.defaulter.default(&ctx, &mut object).await {
                let status = e.to_status(&K::group(&()), &K::kind(&()), &ctx.name);
                return Ok(ResponseBody::denied(&ctx.uid, status, e.take_warnings()));
            }
            let defaulted = to_json(&object)?;
            let mut response = ResponseBody::allowed(&ctx.uid, Vec::new());
            let patch = defaulting_patch(&original, &baseline, &defaulted);
            if !patch.0.is_empty() {
                let bytes = serde_json::to_vec(&patch)
                    .map_err(|e| internal(format!("cannot encode the patch: {e}")))?;
                use base64::Engine as _;
                response.patch = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
                response.patch_type = Some("JSONPatch");
            }
            Ok(response)
        })
    }
}

/// The JSON Patch from the object as received to the defaulted one — without what only
/// decoding into `K` and encoding again changed (fields `K` does not know, which would
/// otherwise be removed; `null`s or defaults its serialization adds): only the defaulter's
/// changes.
fn defaulting_patch(original: &Value, baseline: &Value, defaulted: &Value) -> json_patch::Patch {
    let round_trip = json_patch::diff(original, baseline);
    let mut patch = json_patch::diff(original, defaulted);
    patch.0.retain(|op| !round_trip.0.contains(op));
    patch
}

struct Validating<K, V> {
    validator: V,
    kind: PhantomData<fn() -> K>,
}

impl<K: WebhookResource, V: Validator<K>> AdmissionHandler for Validating<K, V> {
    fn handle(
        &self,
        raw: RawRequest,
        client: Option<Client>,
    ) -> BoxFuture<'_, Result<ResponseBody, Rejection>> {
        Box::pin(async move {
            check_kind::<K>(&raw.request)?;
            let ctx = context(&raw.request, client);
            let object = |value: Option<Value>, field: &str| -> Result<K, Rejection> {
                let value = value.ok_or_else(|| bad_request(format!("{field} is missing")))?;
                decode(&value, field)
            };
            let result = match ctx.operation {
                Operation::Create => {
                    let new = object(raw.object, "request.object")?;
                    self.validator.validate_create(&ctx, &new).await
                }
                Operation::Update => {
                    let new = object(raw.object, "request.object")?;
                    let old = object(raw.old_object, "request.oldObject")?;
                    self.validator.validate_update(&ctx, &old, &new).await
                }
                Operation::Delete => {
                    let old = object(raw.old_object, "request.oldObject")?;
                    self.validator.validate_delete(&ctx, &old).await
                }
                Operation::Connect => Ok(Vec::new()),
            };
            Ok(match result {
                Ok(warnings) => ResponseBody::allowed(&ctx.uid, warnings),
                Err(mut e) => {
                    let status = e.to_status(&K::group(&()), &K::kind(&()), &ctx.name);
                    ResponseBody::denied(&ctx.uid, status, e.take_warnings())
                }
            })
        })
    }
}

fn context(request: &AdmissionRequest<DynamicObject>, client: Option<Client>) -> AdmissionContext {
    AdmissionContext {
        uid: request.uid.clone(),
        operation: request.operation.clone(),
        user_info: request.user_info.clone(),
        namespace: request.namespace.clone(),
        name: request.name.clone(),
        sub_resource: request.sub_resource.clone(),
        dry_run: request.dry_run,
        client,
    }
}

fn describe(gvk: &GroupVersionKind) -> String {
    let api_version = if gvk.group.is_empty() {
        gvk.version.clone()
    } else {
        format!("{}/{}", gvk.group, gvk.version)
    };
    format!("{api_version} {}", gvk.kind)
}

/// The review must be about `K` (the API server converts objects to the version the webhook
/// is registered for).
fn check_kind<K: WebhookResource>(
    request: &AdmissionRequest<DynamicObject>,
) -> Result<(), Rejection> {
    let expected = gvk_of::<K>();
    if request.kind != expected {
        return Err(bad_request(format!(
            "this webhook admits {}, but the AdmissionReview is for {} (request.kind)",
            describe(&expected),
            describe(&request.kind)
        )));
    }
    Ok(())
}

/// Decodes `value` (the review's `field`) as a `K`, naming the kind and serde's complaint.
pub(crate) fn decode<K: WebhookResource>(value: &Value, field: &str) -> Result<K, Rejection> {
    let expected = gvk_of::<K>();
    let api_version = value.get("apiVersion").and_then(Value::as_str);
    let kind = value.get("kind").and_then(Value::as_str);
    if let (Some(api_version), Some(kind)) = (api_version, kind)
        && (api_version != K::api_version(&()) || kind != expected.kind)
    {
        return Err(bad_request(format!(
            "{field} is a {api_version} {kind}, but this webhook admits {}",
            describe(&expected)
        )));
    }
    K::deserialize(value).map_err(|e| {
        bad_request(format!(
            "{field} is not a valid {}: {e}",
            describe(&expected)
        ))
    })
}

fn to_json<K: Serialize>(object: &K) -> Result<Value, Rejection> {
    serde_json::to_value(object)
        .map_err(|e| internal(format!("cannot encode the object as JSON: {e}")))
}
