//! The scaffolded reconcile test with a type from our own `#[derive(CustomResource)]`, as a
//! generated project's `api` crate defines it.

use std::sync::Arc;
use std::time::Duration;

use cargo_operator_runtime::k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use cargo_operator_runtime::kube::api::{Patch, PatchParams};
use cargo_operator_runtime::{
    Action, Context, CustomResource, EventType, ReconcileError, ResourceExt, conditions, testing,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
#[resource(
    group = "webapp.example.com",
    version = "v1",
    kind = "Guestbook",
    namespaced,
    status = "GuestbookStatus"
)]
pub struct GuestbookSpec {
    pub size: Option<i32>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
pub struct GuestbookStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

pub async fn reconcile(obj: Arc<Guestbook>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let mut status = obj.status.clone().unwrap_or_default();
    conditions::set_condition(
        &mut status.conditions,
        conditions::READY,
        true,
        "Reconciled",
        "ok",
        obj.metadata.generation,
    );
    let patch = json!({ "status": status });
    ctx.api_for(&*obj)
        .patch_status(
            &obj.name_any(),
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await?;
    ctx.publish_event(&*obj, EventType::Normal, "Reconciled", "Reconcile", None)
        .await?;
    Ok(Action::requeue(Duration::from_secs(300)))
}

#[tokio::test]
async fn reconcile_with_derived_type() {
    let (client, mut server) = testing::mock_client();
    let obj: Guestbook = testing::object("test", "default", json!({ "size": 1 }));
    let run = tokio::spawn(reconcile(
        Arc::new(obj.clone()),
        Arc::new(Context::new(client, "guestbook")),
    ));
    let patch = server
        .expect_patch_status(
            "/apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status",
            &serde_json::to_value(&obj).unwrap(),
        )
        .await;
    assert_eq!(patch.body["status"]["conditions"][0]["type"], "Ready");
    assert_eq!(server.expect_event().await.body["reason"], "Reconciled");
    assert_eq!(
        run.await.unwrap().unwrap(),
        Action::requeue(Duration::from_secs(300))
    );
}
