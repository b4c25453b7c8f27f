//! The reconciler of Guestbook objects.
//!
//! `reconcile` runs whenever a Guestbook changes (or something it owns does, and periodically).
//! It must be idempotent: read the object, make the world match its spec, record what it
//! observed in its status. Both writes are server-side applies with this controller's field
//! manager, so a reconcile that finds everything in order changes nothing. The `#[rbac]`
//! attributes list the permissions it needs; `cargo operator manifests` turns them into
//! config/rbac/role.yaml, so add one whenever the reconciler touches a new resource.

use std::sync::Arc;
use std::time::Duration;

use api::webapp::v1::Guestbook;
use cargo_operator_runtime::k8s_openapi::api::core::v1::ConfigMap;
use cargo_operator_runtime::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use cargo_operator_runtime::{
    Action, Context, Controller, EventType, ReconcileError, ResourceExt, conditions, owner, rbac,
};

/// The controller's name in logs, metrics and events, and its field manager.
pub const NAME: &str = "guestbook";

/// The controller the manager runs: it watches every Guestbook in all namespaces, and
/// the ConfigMaps they own.
pub fn controller() -> Controller<Guestbook> {
    Controller::new(NAME, reconcile).owns::<ConfigMap>()
}

#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch", "create", "update", "patch", "delete"])]
#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks/status"], verbs = ["get", "update", "patch"])]
#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks/finalizers"], verbs = ["update"])]
#[rbac(groups = [""], resources = ["configmaps"], verbs = ["get", "list", "watch", "create", "update", "patch", "delete"])]
#[rbac(groups = ["events.k8s.io"], resources = ["events"], verbs = ["create", "patch"])]
pub async fn reconcile(
    object: Arc<Guestbook>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    // TODO(user): make the cluster match `object.spec`. The worked example owns one ConfigMap
    // that mirrors the spec; replace it with what your operator manages (a Deployment, ...),
    // and its `#[rbac]` and `.owns::<…>()` with the kinds you create.
    ctx.apply(&owned_config_map(&object)?).await?;

    // Ready only once what the object owns exists: everything above succeeded.
    let mut status = object.status.clone().unwrap_or_default();
    let changed = conditions::set_condition(
        &mut status.conditions,
        conditions::READY,
        true,
        "Reconciled",
        "The Guestbook is reconciled",
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
            Some(format!("Guestbook {} is ready", object.name_any())),
        )
        .await?;
    }
    Ok(Action::requeue(Duration::from_secs(300)))
}

/// The ConfigMap a Guestbook owns: deleted with it, and its changes reconcile the Guestbook.
// TODO(user): replace with the objects your operator manages.
pub fn owned_config_map(object: &Guestbook) -> Result<ConfigMap, ReconcileError> {
    let mut config = ConfigMap {
        metadata: ObjectMeta {
            // The kind in the name: another kind's object of the same name owns its own.
            name: Some(format!("{}-guestbook", object.name_any())),
            namespace: object.namespace(),
            ..ObjectMeta::default()
        },
        data: Some(
            [(
                "replicas".to_string(),
                object.spec.replicas.unwrap_or(0).to_string(),
            )]
            .into(),
        ),
        ..ConfigMap::default()
    };
    owner::set_controller_reference(&mut config.metadata, object)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargo_operator_runtime::testing;

    /// reconcile → the owned ConfigMap applied → status applied with Ready=True →
    /// a Normal event, against a mocked API server.
    #[tokio::test]
    async fn reconcile_marks_the_object_ready_and_records_an_event() {
        let (client, mut server) = testing::mock_client();
        let object: Guestbook =
            testing::object("test", "default", serde_json::json!({ "replicas": 1 }));
        let reconciling = tokio::spawn(reconcile(
            Arc::new(object.clone()),
            Arc::new(Context::new(client, NAME)),
        ));

        let config = server
            .expect_patch(
                "/api/v1/namespaces/default/configmaps/test-guestbook",
                &serde_json::to_value(owned_config_map(&object).unwrap()).unwrap(),
            )
            .await;
        assert_eq!(config.content_type(), Some("application/apply-patch+yaml"));
        assert_eq!(config.query_param("fieldManager").as_deref(), Some(NAME));
        assert_eq!(
            config.body["metadata"]["ownerReferences"][0]["kind"],
            "Guestbook"
        );

        let patch = server
            .expect_patch_status(
                "/apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status",
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
