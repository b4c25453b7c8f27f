//! The defaulting webhook of Guestbook v1: the API server sends every Guestbook
//! being created or updated here, and stores what [`GuestbookDefaulter`] makes of it. Use it
//! for defaults a CRD schema cannot express (ones that depend on other fields, or on the
//! cluster); a plain constant belongs in the type, as `#[field(default = ...)]`.
//!
//! The `#[webhook]` attribute says which requests the API server sends; `cargo operator
//! manifests` turns it into config/webhook/manifests.yaml.

use api::webapp::v1::Guestbook;
// `webhook` is both the module and the `#[webhook]` attribute.
use cargo_operator_runtime::webhook;
use cargo_operator_runtime::webhook::{AdmissionContext, Defaulter, Webhook, WebhookError};

/// Fills in the Guestbook fields a user may leave out.
pub struct GuestbookDefaulter;

/// The webhook the manager serves, at the path the attribute below names.
pub fn webhook() -> Webhook {
    Webhook::defaulting(GuestbookDefaulter)
}

#[webhook(
    mutating,
    name = "mguestbook-v1.webapp.example.com",
    path = "/mutate-webapp-example-com-v1-guestbook",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    versions = ["v1"],
    verbs = ["create", "update"],
    failure_policy = "Fail",
    side_effects = "None",
    admission_review_versions = ["v1"]
)]
impl Defaulter<Guestbook> for GuestbookDefaulter {
    async fn default(
        &self,
        _ctx: &AdmissionContext,
        object: &mut Guestbook,
    ) -> Result<(), WebhookError> {
        // TODO(user): set your defaults. An example: one replica unless asked otherwise.
        object.spec.replicas.get_or_insert(1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargo_operator_runtime::webhook::Operation;

    #[tokio::test]
    async fn a_missing_replica_count_is_defaulted_and_a_given_one_kept() {
        let ctx = AdmissionContext::new(Operation::Create);
        let mut object = Guestbook::new("test", Default::default());
        GuestbookDefaulter.default(&ctx, &mut object).await.unwrap();
        assert_eq!(object.spec.replicas, Some(1));

        object.spec.replicas = Some(3);
        GuestbookDefaulter.default(&ctx, &mut object).await.unwrap();
        assert_eq!(object.spec.replicas, Some(3));
    }
}
