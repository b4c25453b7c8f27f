//! The Rust side of `go/hamper`: embedded Kubernetes objects (one keeping unknown fields), a
//! field that keeps any JSON value, and int-or-string fields, one with string validation.

use cargo_operator_runtime::CustomResource;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// HamperSpec is a gift hamper: Kubernetes objects packed in a basket, and free-form notes.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "bakery.example.org",
    version = "v1",
    kind = "Hamper",
    namespaced
)]
pub struct HamperSpec {
    /// Card is a whole Kubernetes object laid on top, or null.
    #[field(embedded_resource)]
    pub card: serde_json::Value,

    /// Basket is a Kubernetes object whose unknown fields survive pruning.
    #[field(preserve_unknown_fields, embedded_resource)]
    pub basket: serde_json::Value,

    /// Notes may be any JSON value.
    #[field(preserve_unknown_fields)]
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub notes: serde_json::Value,

    /// Discount is whole euros, or a percentage such as "15%".
    #[field(
        int_or_string,
        min_length = 1,
        max_length = 3,
        pattern = "^([0-9]|[1-9][0-9])%?$"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<IntOrString>,

    /// Ribbon is a length in centimetres or a named size.
    pub ribbon: IntOrString,
}
