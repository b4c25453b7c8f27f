//! Admission and conversion webhooks, served by the [`Manager`](crate::Manager) over HTTPS —
//! the counterpart of controller-runtime's `pkg/webhook`.
//!
//! ```text
//! manager.add_webhook(Webhook::defaulting::<Guestbook>(GuestbookDefaulter));   // /mutate-webapp-example-com-v1-guestbook
//! manager.add_webhook(Webhook::validating::<Guestbook>(GuestbookValidator));   // /validate-webapp-example-com-v1-guestbook
//! manager.add_conversion(Conversion::<v2::Guestbook>::new().spoke::<v1::Guestbook>()); // /convert
//! ```
//!
//! - A [`Defaulter`] changes the object; the response carries the JSON Patch (RFC 6902) from
//!   the object received to the defaulted one, base64-encoded, `patchType: JSONPatch` — none
//!   when nothing changed.
//! - A [`Validator`] admits (with [`Warnings`]) or denies with a [`WebhookError`]: field
//!   errors (`Invalid`, 422, with `details.causes`), forbidden (403) or internal (500).
//! - A [`Conversion`] converts the versions of one kind through a hub version.
//!
//! The server listens on `--webhook-port` (9443) with the certificate in
//! `--webhook-cert-path` (reloaded when it changes); it runs on every replica, leader or not,
//! as soon as one webhook is registered. Malformed requests get a 400 with a `Status` saying
//! why (bodies are limited to [`MAX_BODY_BYTES`]: 413 beyond), wrong methods a 405, unknown
//! paths a 404; the server keeps serving.
//!
//! Metrics (controller-runtime's): `controller_runtime_webhook_requests_total{webhook, code}`,
//! `controller_runtime_webhook_latency_seconds{webhook}` and
//! `controller_runtime_webhook_requests_in_flight{webhook}`, `webhook` being the path.

mod admission;
mod conversion;
mod error;
mod server;

use kube::core::Resource;

pub use admission::{AdmissionContext, Defaulter, Validator, Warnings, Webhook, WebhookResource};
pub use conversion::Conversion;
pub use error::{FieldError, FieldErrorType, WebhookError};
pub use kube::core::admission::Operation;
pub(crate) use server::{Webhooks, spawn};

/// The MutatingWebhookConfiguration and ValidatingWebhookConfiguration of every `#[webhook]`
/// compiled into this program, as `cargo operator manifests` writes them into
/// `config/webhook/manifests.yaml`: what a test installs in envtest
/// (`WebhookInstallOptions::configurations`) to have the API server call this program.
pub fn registered_configurations() -> Vec<serde_json::Value> {
    cargo_operator_core::webhook::configurations(&crate::registered_webhooks())
}

/// Sets `crd`'s `spec.conversion` to the conversion webhook (strategy `Webhook`, the Service
/// `webhook-service` at [`CONVERSION_PATH`]), as `cargo operator manifests` does for a kind
/// with a conversion; envtest then points it at the local server.
pub fn set_conversion_webhook(
    crd: &mut k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
) {
    crd.spec.conversion = Some(
        serde_json::from_value(cargo_operator_core::webhook::conversion())
            .expect("the conversion block is a CustomResourceConversion"),
    );
}

/// The path of every conversion webhook (kubebuilder's), dispatched on the objects' group and
/// kind.
pub const CONVERSION_PATH: &str = cargo_operator_core::webhook::CONVERSION_PATH;

/// The largest request body a webhook takes: 8 MiB (a review of an update carries the old
/// and the new object, each up to the API server's 3 MiB or so).
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// Mutating (a [`Defaulter`]) or validating (a [`Validator`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookType {
    /// A `MutatingWebhookConfiguration` calls it.
    Mutating,
    /// A `ValidatingWebhookConfiguration` calls it.
    Validating,
}

/// kubebuilder's path for a webhook: `/mutate-<group with dots as dashes>-<version>-<kind
/// lowercased>` or `/validate-…`, e.g. `/mutate-webapp-example-com-v1-guestbook`; for the core
/// group (`""`), `/mutate--v1-pod`.
pub fn default_path(webhook_type: WebhookType, group: &str, version: &str, kind: &str) -> String {
    cargo_operator_core::webhook::default_path(
        webhook_type == WebhookType::Mutating,
        group,
        version,
        kind,
    )
}

/// [`default_path`] for the kind `K`.
pub fn default_path_for<K: Resource<DynamicType = ()>>(webhook_type: WebhookType) -> String {
    default_path(
        webhook_type,
        &K::group(&()),
        &K::version(&()),
        &K::kind(&()),
    )
}
