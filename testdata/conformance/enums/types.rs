use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Policy says how a conflict is resolved.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub enum Policy {
    #[default]
    Allow,
    Forbid,
    Replace,
}

/// RotaSpec defines the desired state of Rota: enumerated values.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "enums.conformance.example.com",
    version = "v1",
    kind = "Rota",
    plural = "rotas",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct RotaSpec {
    /// ConcurrencyPolicy is Allow unless set.
    #[field(default = "Allow")]
    #[serde(default)]
    pub concurrency_policy: Policy,

    /// Fallback is the policy used when the first one fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Policy>,

    /// Mode is one of two strings.
    #[field(enum_values = ["fast", "slow"])]
    pub mode: String,

    /// Level is one of three integers.
    #[field(enum_values = [1, 2, 3])]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<i32>,
}
