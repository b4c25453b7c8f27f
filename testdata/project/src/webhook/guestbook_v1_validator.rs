//! The validating webhook of Guestbook v1: the API server sends every Guestbook
//! being created or updated here, and stores it only if [`GuestbookValidator`] agrees. Use
//! it for rules a CRD schema cannot express (CEL rules, `#[field(rule(...))]`, cover many
//! that can); it may also return warnings, which `kubectl` prints.
//!
//! The `#[webhook]` attribute says which requests the API server sends (add `"delete"` to
//! `verbs` to be asked about deletes too); `cargo operator manifests` turns it into
//! config/webhook/manifests.yaml.

use api::webapp::v1::Guestbook;
// `webhook` is both the module and the `#[webhook]` attribute.
use cargo_operator_runtime::webhook;
use cargo_operator_runtime::webhook::{
    AdmissionContext, FieldError, Validator, Warnings, Webhook, WebhookError,
};

/// Refuses Guestbook objects that make no sense.
pub struct GuestbookValidator;

/// The webhook the manager serves, at the path the attribute below names.
pub fn webhook() -> Webhook {
    Webhook::validating(GuestbookValidator)
}

/// TODO(user): your rules. An example: at least one replica (delete the object to stop it),
/// and a warning above ten.
fn check(object: &Guestbook) -> Result<Warnings, WebhookError> {
    match object.spec.replicas {
        Some(0) => Err(WebhookError::invalid([FieldError::invalid(
            "spec.replicas",
            0,
            "must be at least 1; delete the Guestbook to stop it",
        )])),
        Some(n) if n > 10 => Ok(vec![format!(
            "spec.replicas: {n} replicas is more than this operator was tested with"
        )]),
        _ => Ok(Vec::new()),
    }
}

#[webhook(
    name = "vguestbook-v1.webapp.example.com",
    path = "/validate-webapp-example-com-v1-guestbook",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    versions = ["v1"],
    verbs = ["create", "update"],
    failure_policy = "Fail",
    side_effects = "None",
    admission_review_versions = ["v1"]
)]
impl Validator<Guestbook> for GuestbookValidator {
    async fn validate_create(
        &self,
        _ctx: &AdmissionContext,
        object: &Guestbook,
    ) -> Result<Warnings, WebhookError> {
        check(object)
    }

    async fn validate_update(
        &self,
        _ctx: &AdmissionContext,
        _old: &Guestbook,
        new: &Guestbook,
    ) -> Result<Warnings, WebhookError> {
        check(new)
    }

    async fn validate_delete(
        &self,
        _ctx: &AdmissionContext,
        _object: &Guestbook,
    ) -> Result<Warnings, WebhookError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargo_operator_runtime::webhook::Operation;

    fn with_replicas(replicas: i32) -> Guestbook {
        let mut object = Guestbook::new("test", Default::default());
        object.spec.replicas = Some(replicas);
        object
    }

    #[tokio::test]
    async fn zero_replicas_are_refused_with_the_field_and_many_warned_about() {
        let ctx = AdmissionContext::new(Operation::Create);
        let refused = GuestbookValidator
            .validate_create(&ctx, &with_replicas(0))
            .await
            .unwrap_err();
        assert_eq!(refused.field_errors()[0].field, "spec.replicas");

        let warnings = GuestbookValidator
            .validate_create(&ctx, &with_replicas(11))
            .await
            .unwrap();
        assert_eq!(warnings.len(), 1);

        let ctx = AdmissionContext::new(Operation::Update);
        let old = with_replicas(1);
        assert!(
            GuestbookValidator
                .validate_update(&ctx, &old, &with_replicas(0))
                .await
                .is_err()
        );
        assert!(
            GuestbookValidator
                .validate_update(&ctx, &old, &with_replicas(2))
                .await
                .unwrap()
                .is_empty()
        );
    }
}
