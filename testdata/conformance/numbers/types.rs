use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// GaugeSpec defines the desired state of Gauge: integers and floats with inclusive bounds.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "numbers.conformance.example.com",
    version = "v1",
    kind = "Gauge",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct GaugeSpec {
    /// Replicas is a bounded 32-bit integer.
    #[field(minimum = 1, maximum = 10)]
    pub replicas: i32,

    /// Offset may be negative.
    #[field(minimum = -100, maximum = 100)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,

    /// Ratio is a fraction between 0 and 1.
    #[field(minimum = 0, maximum = 1)]
    pub ratio: f64,

    /// Budget has only a lower bound.
    #[field(minimum = 0)]
    #[serde(default)]
    pub budget: i64,

    /// Ceiling has only an upper bound, and a fractional one.
    #[field(maximum = 2.5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,

    /// Plain is an unconstrained integer.
    pub plain: i32,
}
