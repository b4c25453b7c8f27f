use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// ThrottleSpec defines the desired state of Throttle: exclusive bounds and multiples.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "bounds.conformance.example.com",
    version = "v1",
    kind = "Throttle",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct ThrottleSpec {
    /// Rate is strictly between 0 and 100.
    #[field(minimum = 0, exclusive_minimum, maximum = 100, exclusive_maximum)]
    pub rate: i32,

    /// Share is a positive fraction, at most one half.
    #[field(minimum = 0, exclusive_minimum, maximum = 0.5)]
    pub share: f64,

    /// Step is an even number.
    #[field(multiple_of = 2)]
    pub step: i64,

    /// Quarter is a multiple of a quarter, below 10.
    #[field(multiple_of = 0.25, maximum = 10, exclusive_maximum)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarter: Option<f64>,

    /// Slots is a multiple of 8 between 8 and 64.
    #[field(multiple_of = 8, minimum = 8, maximum = 64)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots: Option<i32>,
}
