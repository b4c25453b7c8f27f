use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// CounterSpec defines the desired state of Counter: unsigned integers.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "unsigned.conformance.example.com",
    version = "v1",
    kind = "Counter",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct CounterSpec {
    /// Port is a 16-bit port number.
    pub port: u16,

    /// Count is a 32-bit unsigned count.
    pub count: u32,

    /// Total is a 64-bit unsigned total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,

    /// Small is an 8-bit value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small: Option<u8>,
}
