//! The reconciler of Policy objects.
//!
//! `reconcile` runs whenever a Policy changes (or something it owns does, and periodically).
//! It must be idempotent: read the object, make the world match its spec, record what it
//! observed in its status. Both writes are server-side applies with this controller's field
//! manager, so a reconcile that finds everything in order changes nothing. The `#[rbac]`
//! attributes list the permissions it needs; `cargo operator manifests` turns them into
//! config/rbac/role.yaml, so add one whenever the reconciler touches a new resource.

use std::sync::Arc;
use std::time::Duration;

use api::infra::v1alpha1::Policy;
use cargo_operator_runtime::{
    Action, Context, Controller, EventType, ReconcileError, ResourceExt, conditions, rbac,
};

/// The controller's name in logs, metrics and events, and its field manager.
pub const NAME: &str = "policy";

/// The controller the manager runs: it watches every Policy.
pub fn controller() -> Controller<Policy> {
    Controller::new(NAME, reconcile)
}

#[rbac(groups = ["infra.example.com"], resources = ["policies"], verbs = ["get", "list", "watch", "create", "update", "patch", "delete"])]
#[rbac(groups = ["infra.example.com"], resources = ["policies/status"], verbs = ["get", "update", "patch"])]
#[rbac(groups = ["infra.example.com"], resources = ["policies/finalizers"], verbs = ["update"])]
#[rbac(groups = ["events.k8s.io"], resources = ["events"], verbs = ["create", "patch"])]
pub async fn reconcile(object: Arc<Policy>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    // TODO(user): make the cluster match `object.spec` here: create or update what the object
    // owns with `ctx.apply(..)` (set owners with `owner::set_controller_reference`), and add
    // the `#[rbac]` and `.owns::<…>()` of every kind it creates.

    // Ready only once what the object owns exists: everything above succeeded.
    let mut status = object.status.clone().unwrap_or_default();
    let changed = conditions::set_condition(
        &mut status.conditions,
        conditions::READY,
        true,
        "Reconciled",
        "The Policy is reconciled",
        object.metadata.generation,
    );
    // Write status and tell the user only when something changed.
    if changed {
        ctx.apply_status(object.as_ref(), &status).await?;
        ctx.publish_event(
            object.as_ref(),
            EventType::Normal,
            "Reconciled",
            "Reconcile",
            Some(format!("Policy {} is ready", object.name_any())),
        )
        .await?;
    }
    Ok(Action::requeue(Duration::from_secs(300)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargo_operator_runtime::testing;

    /// reconcile → status applied with Ready=True →
    /// a Normal event, against a mocked API server.
    #[tokio::test]
    async fn reconcile_marks_the_object_ready_and_records_an_event() {
        let (client, mut server) = testing::mock_client();
        let object: Policy = testing::object("test", "", serde_json::json!({ "replicas": 1 }));
        let reconciling = tokio::spawn(reconcile(
            Arc::new(object.clone()),
            Arc::new(Context::new(client, NAME)),
        ));

        let patch = server
            .expect_patch_status(
                "/apis/infra.example.com/v1alpha1/policies/test/status",
                &serde_json::to_value(&object).unwrap(),
            )
            .await;
        assert_eq!(patch.content_type(), Some("application/apply-patch+yaml"));
        let ready = &patch.body["status"]["conditions"][0];
        assert_eq!(ready["type"], "Ready");
        assert_eq!(ready["status"], "True");
        assert_eq!(ready["observedGeneration"], 1);
        assert_eq!(server.expect_event().await.body["reason"], "Reconciled");
        let action = reconciling.await.unwrap().unwrap();
        assert_eq!(action, Action::requeue(Duration::from_secs(300)));
    }
}
