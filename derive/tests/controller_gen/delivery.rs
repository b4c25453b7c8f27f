//! The Rust side of `go/delivery`: string length bounds, inclusive and exclusive integer
//! bounds, a string format, and an explicit singular name, in a v1beta1 API.

use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// DeliverySpec describes one van run from the bakery to a customer.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "bakery.example.org",
    version = "v1beta1",
    kind = "Delivery",
    namespaced,
    singular = "delivery"
)]
#[serde(rename_all = "camelCase")]
pub struct DeliverySpec {
    /// Address is where the van stops; short strings are never a real address.
    #[field(min_length = 8, max_length = 200)]
    pub address: String,

    /// Crates is how many crates go into the van.
    #[field(minimum = 1, maximum = 40)]
    pub crates: i32,

    /// MaxMinutes bounds the drive from above and below, both ends left out.
    #[field(minimum = 0, exclusive_minimum, maximum = 120, exclusive_maximum)]
    pub max_minutes: i64,

    /// Window is the start of the delivery window.
    #[field(format = "date-time")]
    pub window: String,
}
