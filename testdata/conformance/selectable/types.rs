use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// ShipmentSpec defines the desired state of Shipment: fields usable in field selectors.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "selectable.conformance.example.com",
    version = "v1",
    kind = "Shipment",
    namespaced,
    selectable = ".spec.carrier",
    selectable = ".spec.destination"
)]
#[serde(rename_all = "camelCase")]
pub struct ShipmentSpec {
    /// Carrier delivers the shipment.
    pub carrier: String,
    /// Destination is a city.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub destination: String,
}
