//! The Rust side of `go/oven`: a cluster-scoped resource with status and scale subresources,
//! printer columns, a selectable field, a short name, categories and a defaulted field.

use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// OvenSpec is what the bakers ask of an oven.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "kitchen.example.org",
    version = "v1",
    kind = "Oven",
    shortname = "ov",
    category = "kitchen",
    category = "appliances",
    status = "OvenStatus",
    scale(
        spec_replicas_path = ".spec.racks",
        status_replicas_path = ".status.hotRacks",
        label_selector_path = ".status.rackSelector"
    ),
    printcolumn(name = "Heating", type = "string", json_path = ".spec.heating"),
    printcolumn(
        name = "Target",
        type = "integer",
        format = "int32",
        json_path = ".spec.targetCelsius",
        description = "Preheat temperature in degrees Celsius"
    ),
    printcolumn(
        name = "Hot",
        type = "integer",
        json_path = ".status.hotRacks",
        priority = 1
    ),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp"),
    selectable = ".spec.heating"
)]
#[serde(rename_all = "camelCase")]
pub struct OvenSpec {
    /// Heating is the element that heats the oven; fan-assisted unless set.
    #[field(default = "convection")]
    pub heating: String,

    /// Racks is the number of racks to bring up to temperature.
    pub racks: i32,

    /// TargetCelsius is the preheat temperature.
    pub target_celsius: i32,
}

/// OvenStatus is what the controller last observed of the oven.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OvenStatus {
    /// HotRacks counts the racks that reached the target temperature.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hot_racks: i32,

    /// RackSelector is the label selector of the rack heaters.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rack_selector: String,
}
