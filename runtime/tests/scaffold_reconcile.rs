//! The reconciler and unit test exactly as `cargo operator create api` scaffolds them, run
//! against the mock API server — if this breaks, every generated project's test breaks.

mod common;

use std::sync::Arc;
use std::time::Duration;

use cargo_operator_runtime::kube::ResourceExt;
use cargo_operator_runtime::kube::api::{Patch, PatchParams};
use cargo_operator_runtime::{
    Action, Context, Controller, EventType, ReconcileError, conditions, testing,
};
use common::Guestbook;
use serde_json::json;

pub fn controller() -> Controller<Guestbook> {
    Controller::new("guestbook", reconcile)
}

pub async fn reconcile(obj: Arc<Guestbook>, ctx: Arc<Context>) -> Result<Action, ReconcileError> {
    let mut status = obj.status.clone().unwrap_or_default();
    conditions::set_condition(
        &mut status.conditions,
        conditions::READY,
        true,
        "Reconciled",
        "Guestbook is ready",
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
    ctx.publish_event(
        &*obj,
        EventType::Normal,
        "Reconciled",
        "Reconcile",
        Some("Guestbook is ready".into()),
    )
    .await?;
    Ok(Action::requeue(Duration::from_secs(300)))
}

#[tokio::test]
async fn reconcile_sets_ready_condition_and_publishes_event() {
    let (client, mut server) = testing::mock_client();
    let obj: Guestbook = testing::object("test", "default", json!({ "size": 1 }));
    let ctx = Arc::new(Context::new(client, "guestbook"));
    let run = tokio::spawn(reconcile(Arc::new(obj.clone()), ctx));

    let patch = server
        .expect_patch_status(
            "/apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status",
            &serde_json::to_value(&obj).unwrap(),
        )
        .await;
    let ready = &patch.body["status"]["conditions"][0];
    assert_eq!(ready["type"], "Ready");
    assert_eq!(ready["status"], "True");
    assert_eq!(ready["observedGeneration"], 1);

    let event = server.expect_event().await;
    assert_eq!(event.body["type"], "Normal");
    assert_eq!(event.body["reason"], "Reconciled");
    assert_eq!(event.body["regarding"]["name"], "test");

    assert_eq!(
        run.await.unwrap().unwrap(),
        Action::requeue(Duration::from_secs(300))
    );
}

#[tokio::test]
async fn api_error_fails_the_reconcile() {
    let (client, mut server) = testing::mock_client();
    let obj: Guestbook = testing::object("test", "default", json!({ "size": 1 }));
    let run = tokio::spawn(reconcile(
        Arc::new(obj),
        Arc::new(Context::new(client, "guestbook")),
    ));
    server
        .expect_error(
            http::Method::PATCH,
            "/apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status",
            404,
            "NotFound",
        )
        .await;
    let err = run.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("Not Found"), "{err}");
}

#[tokio::test]
#[should_panic(
    expected = "expected PATCH /apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status, but got PATCH"
)]
async fn mock_reports_an_unexpected_request() {
    let (client, mut server) = testing::mock_client();
    let obj: Guestbook = testing::object("other", "default", json!({}));
    let _run = tokio::spawn(reconcile(
        Arc::new(obj),
        Arc::new(Context::new(client, "guestbook")),
    ));
    server
        .expect_patch_status(
            "/apis/webapp.example.com/v1/namespaces/default/guestbooks/test/status",
            &json!({}),
        )
        .await;
}

#[test]
fn controller_builds() {
    assert_eq!(controller().name(), "guestbook");
}
