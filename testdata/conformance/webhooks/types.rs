use cargo_operator_runtime::{CustomResource, webhook};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Admission webhooks of Gadgets and of Pods; controller-gen reads them from any file of the
/// package, cargo-operator from any item compiled into the operator.
#[webhook(
    path = "/mutate-webhooks-conformance-example-com-v1-gadget",
    mutating,
    failure_policy = "fail",
    side_effects = "None",
    groups = ["webhooks.conformance.example.com"],
    resources = ["gadgets"],
    verbs = ["create", "update"],
    versions = ["v1"],
    name = "mgadget-v1.kb.io",
    admission_review_versions = ["v1"]
)]
#[webhook(
    path = "/validate-webhooks-conformance-example-com-v1-gadget",
    failure_policy = "ignore",
    side_effects = "NoneOnDryRun",
    groups = ["webhooks.conformance.example.com"],
    resources = ["gadgets", "gadgets/status"],
    verbs = ["create", "update", "delete"],
    versions = ["v1"],
    name = "vgadget-v1.kb.io",
    admission_review_versions = ["v1", "v1beta1"],
    match_policy = "Exact",
    timeout_seconds = 20
)]
#[webhook(
    path = "/mutate--v1-pod",
    mutating,
    failure_policy = "Ignore",
    side_effects = "None",
    groups = [""],
    resources = ["pods"],
    verbs = ["create"],
    versions = ["v1"],
    name = "mpod.webhooks.conformance.example.com",
    admission_review_versions = ["v1"],
    reinvocation_policy = "IfNeeded",
    match_policy = "Equivalent",
    timeout_seconds = 5
)]
#[webhook(
    path = "/validate-apps-v1-deployment",
    failure_policy = "fail",
    side_effects = "None",
    groups = ["apps"],
    resources = ["deployments", "deployments/scale"],
    verbs = ["create", "update", "delete", "connect"],
    versions = ["v1"],
    name = "vdeployment.webhooks.conformance.example.com",
    admission_review_versions = ["v1"]
)]
pub fn webhooks() {}

/// GadgetSpec defines the desired state of Gadget.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "webhooks.conformance.example.com",
    version = "v1",
    kind = "Gadget",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct GadgetSpec {
    /// Size of the gadget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i32>,
}
