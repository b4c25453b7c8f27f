//! `#[webhook]`s are registered in the program that compiles them — normalised, sorted by
//! name — and a program linking the runtime writes them out before `main` when
//! `cargo operator manifests` asks; code that is not compiled registers nothing.

use cargo_operator_runtime::webhook;

struct GuestbookWebhook;

// kubebuilder's spellings (`fail`, `create`), normalised as controller-gen does.
#[webhook(
    name = "vguestbook-v1.kb.io",
    path = "/validate-webapp-example-com-v1-guestbook",
    failure_policy = "fail",
    side_effects = "None",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    verbs = ["create", "update", "delete"],
    versions = ["v1"],
    admission_review_versions = ["v1"],
    timeout_seconds = 5
)]
impl GuestbookWebhook {
    // On a method: the registration goes into the body, where items are allowed.
    #[webhook(
        name = "mguestbook-v1.kb.io",
        path = "/mutate-webapp-example-com-v1-guestbook",
        mutating,
        failure_policy = "Ignore",
        side_effects = "NoneOnDryRun",
        groups = ["webapp.example.com"],
        resources = ["guestbooks"],
        verbs = ["CREATE", "UPDATE"],
        versions = ["v1"],
        admission_review_versions = ["v1", "v1beta1"],
        match_policy = "Exact",
        reinvocation_policy = "IfNeeded"
    )]
    fn default(&self) {}
}

// In a `const _` block, as generated code may put it.
const _: () = {
    #[webhook(
        name = "vpod.webapp.example.com",
        path = "/validate--v1-pod",
        failure_policy = "Ignore",
        side_effects = "None",
        groups = ["core"],
        resources = ["pods"],
        verbs = ["*"],
        versions = ["v1"],
        admission_review_versions = ["v1"]
    )]
    #[allow(dead_code)]
    fn pods() {}
};

/// Not compiled into the program outside its own tests: registers nothing here.
#[cfg(any())]
mod excluded {
    #[cargo_operator_runtime::webhook(
        name = "vexcluded.kb.io",
        path = "/validate-excluded",
        failure_policy = "Fail",
        side_effects = "None",
        groups = [""],
        resources = ["configmaps"],
        verbs = ["CREATE"],
        versions = ["v1"],
        admission_review_versions = ["v1"]
    )]
    fn excluded() {}
}

#[cfg(not(test))]
#[webhook(
    name = "vnottest.kb.io",
    path = "/validate-not-test",
    failure_policy = "Fail",
    side_effects = "None",
    groups = [""],
    resources = ["secrets"],
    verbs = ["CREATE"],
    versions = ["v1"],
    admission_review_versions = ["v1"]
)]
fn not_in_tests() {}

#[test]
fn every_compiled_webhook_is_registered_normalised_and_sorted() {
    GuestbookWebhook.default();
    let webhooks = cargo_operator_runtime::registered_webhooks();
    let names: Vec<_> = webhooks.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "mguestbook-v1.kb.io",
            "vguestbook-v1.kb.io",
            "vpod.webapp.example.com"
        ],
        "{webhooks:#?}"
    );
    let value = serde_json::to_value(&webhooks).unwrap();
    assert_eq!(
        value,
        serde_json::json!([
            {
                "name": "mguestbook-v1.kb.io",
                "path": "/mutate-webapp-example-com-v1-guestbook",
                "mutating": true,
                "failurePolicy": "Ignore",
                "sideEffects": "NoneOnDryRun",
                "groups": ["webapp.example.com"],
                "resources": ["guestbooks"],
                "verbs": ["CREATE", "UPDATE"],
                "versions": ["v1"],
                "admissionReviewVersions": ["v1", "v1beta1"],
                "matchPolicy": "Exact",
                "reinvocationPolicy": "IfNeeded",
            },
            {
                "name": "vguestbook-v1.kb.io",
                "path": "/validate-webapp-example-com-v1-guestbook",
                "mutating": false,
                "failurePolicy": "Fail",
                "sideEffects": "None",
                "groups": ["webapp.example.com"],
                "resources": ["guestbooks"],
                "verbs": ["CREATE", "UPDATE", "DELETE"],
                "versions": ["v1"],
                "admissionReviewVersions": ["v1"],
                "timeoutSeconds": 5,
            },
            {
                "name": "vpod.webapp.example.com",
                "path": "/validate--v1-pod",
                "mutating": false,
                "failurePolicy": "Ignore",
                "sideEffects": "None",
                "groups": [""],
                "resources": ["pods"],
                "verbs": ["*"],
                "versions": ["v1"],
                "admissionReviewVersions": ["v1"],
            },
        ])
    );
    assert_eq!(
        cargo_operator_runtime::webhook::default_path_for::<k8s_openapi::api::core::v1::Pod>(
            cargo_operator_runtime::webhook::WebhookType::Validating
        ),
        webhooks[2].path
    );
    assert_eq!(
        cargo_operator_core::webhook::problems(&webhooks),
        Vec::<String>::new()
    );
}

#[test]
fn the_program_writes_its_webhooks_before_main_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("manifests.json");
    // This very test binary links the runtime: asked, it writes and exits before any test runs.
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .env("CARGO_OPERATOR_EMIT_MANIFESTS", &out)
        .arg("--this-filter-matches-no-test")
        .status()
        .unwrap();
    assert!(status.success());
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(document["format"], 1);
    assert_eq!(document["rbac"], serde_json::json!([]));
    let webhooks: Vec<cargo_operator_core::webhook::Webhook> =
        serde_json::from_value(document["webhooks"].clone()).unwrap();
    assert_eq!(webhooks, cargo_operator_runtime::registered_webhooks());
    // What `manifests` makes of them: controller-gen's two configurations.
    let configurations = cargo_operator_core::webhook::configurations(&webhooks);
    let kinds: Vec<_> = configurations
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap(),
                c["webhooks"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("MutatingWebhookConfiguration", 1),
            ("ValidatingWebhookConfiguration", 2)
        ]
    );
}
