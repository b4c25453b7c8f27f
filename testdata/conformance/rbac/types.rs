use cargo_operator_runtime::{CustomResource, rbac};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Permissions the operator of Keys needs; controller-gen reads them from any file of the
/// package, cargo-operator from any item compiled into the operator.
#[rbac(groups = ["rbac.conformance.example.com"], resources = ["keys"], verbs = ["get", "list", "watch"])]
#[rbac(groups = ["rbac.conformance.example.com"], resources = ["keys"], verbs = ["create", "update", "patch", "delete"])]
#[rbac(groups = ["rbac.conformance.example.com"], resources = ["keys/status"], verbs = ["get", "update", "patch"])]
#[rbac(groups = ["rbac.conformance.example.com"], resources = ["keys/finalizers"], verbs = ["update"])]
#[rbac(groups = [""], resources = ["secrets"], verbs = ["get", "list", "watch"])]
#[rbac(groups = [""], resources = ["configmaps"], verbs = ["watch", "list", "get"])]
#[rbac(groups = [""], resources = ["secrets"], resource_names = ["signing-key", "backup-key"], verbs = ["update"])]
#[rbac(groups = ["apps", "batch"], resources = ["deployments", "jobs"], verbs = ["get", "list"])]
#[rbac(groups = ["coordination.k8s.io"], resources = ["leases"], verbs = ["get", "*"])]
#[rbac(groups = ["events.k8s.io"], resources = ["events"], verbs = ["create", "patch"])]
#[rbac(groups = ["policy"], resources = ["poddisruptionbudgets"], verbs = ["create", "patch"])]
pub fn permissions() {}

/// KeySpec defines the desired state of Key.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "rbac.conformance.example.com",
    version = "v1",
    kind = "Key",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct KeySpec {
    /// Algorithm of the key.
    pub algorithm: String,
}
