//! The Rust side of `go/pantry`: an associative list with a compound key (from a flattened
//! struct, as Go inlines it), a granular map, an atomic struct, property-count bounds on an
//! object, a map of maps and a map of lists.

use std::collections::BTreeMap;

use cargo_operator_derive::Schema;
use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// PantrySpec is the stock kept in one pantry.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "bakery.example.org",
    version = "v1",
    kind = "Pantry",
    plural = "pantries",
    namespaced
)]
pub struct PantrySpec {
    /// Bins are merged by server-side apply on aisle and slot together.
    #[field(list_type = "map", list_map_keys = ["aisle", "slot"])]
    pub bins: Vec<Bin>,

    /// Tags on the pantry; each key may be owned by a different field manager.
    #[field(map_type = "granular")]
    pub tags: BTreeMap<String, String>,

    /// Lock is always written whole.
    #[field(map_type = "atomic")]
    pub lock: Lock,

    /// Keeper gives one or two ways to reach whoever holds the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keeper: Option<Keeper>,

    /// Suppliers maps an ingredient to a supplier per region.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suppliers: BTreeMap<String, BTreeMap<String, String>>,

    /// Inspections maps a day to the pass or fail of each shelf.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inspections: BTreeMap<String, Vec<bool>>,
}

/// Position places a bin in the pantry.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Position {
    /// Aisle is the aisle letter.
    pub aisle: String,
    /// Slot is the position along the aisle.
    pub slot: i32,
}

/// Bin is one storage bin.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Bin {
    #[serde(flatten)]
    pub position: Position,
    /// Ingredient is what the bin holds.
    pub ingredient: String,
}

/// Lock is the pantry door lock.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Lock {
    /// Code opens the lock.
    pub code: String,
    /// Engaged is true while the door is locked.
    pub engaged: bool,
}

/// Keeper is a contact of the pantry keeper.
#[derive(Schema, Serialize, Deserialize, Clone, Debug)]
#[field(min_properties = 1, max_properties = 2)]
pub struct Keeper {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pager: String,
}
