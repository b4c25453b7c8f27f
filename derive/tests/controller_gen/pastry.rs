//! The Rust side of `go/pastry`: optional and nullable fields, string length and pattern,
//! numeric bounds with `multiple_of`, defaults for a string, a list, an integer and a boolean,
//! list length, per-item string and enum checks, a set-typed list and enumerated strings.

use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// PastrySpec is one pastry on the menu.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "bakery.example.org",
    version = "v1",
    kind = "Pastry",
    plural = "pastries",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct PastrySpec {
    /// Name is what the menu board shows.
    pub name: String,

    /// ShelfLifeHours is how long the pastry may be sold after baking; no limit when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shelf_life_hours: Option<i64>,

    /// Vegan marks a pastry made without animal products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vegan: Option<bool>,

    /// Glaze is required, but null is an accepted way to say "unglazed".
    #[field(nullable)]
    pub glaze: String,

    /// TillCode is the short code typed at the till.
    #[field(min_length = 3)]
    pub till_code: String,

    /// Shape is round unless another shape is asked for.
    #[field(default = "round")]
    pub shape: String,

    /// Fats lists the fats worked into the dough.
    #[field(default = ["butter", "lard"])]
    pub fats: Vec<String>,

    /// Photo is an https address of a product photo, or empty.
    #[field(pattern = r"^$|^https://[a-z0-9.-]+(/[^\s]*)?$")]
    pub photo: String,

    /// SugarRatio is sugar per flour by weight, in quarter steps.
    #[field(minimum = 0, maximum = 1.25, multiple_of = 0.25)]
    pub sugar_ratio: f64,

    /// ExtraFolds changes the lamination folds of the house recipe, three at a time.
    #[field(minimum = -3, maximum = 9, multiple_of = 3)]
    pub extra_folds: i32,

    /// BakeTemperatures are the first and the second bake, nothing more or less.
    #[field(min_items = 2, max_items = 2)]
    pub bake_temperatures: Vec<i32>,

    /// Allergens are distinct lower-case words joined by hyphens.
    #[field(
        min_items = 1,
        list_type = "set",
        items(min_length = 2, max_length = 32, pattern = "^[a-z]+(-[a-z]+)*$")
    )]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allergens: Vec<String>,

    /// Weights are the portion sizes on sale, in grams.
    #[field(items(enum_values = [50, 80, 120]))]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<i32>,

    /// Proofs is how many times the dough rises.
    #[field(default = 2)]
    pub proofs: i32,

    /// Seeded says whether seeds go on top.
    #[field(default = true)]
    pub seeded: bool,

    /// Crust is the crust colour the oven aims for.
    #[field(enum_values = ["pale", "golden", "dark"])]
    pub crust: String,

    /// Availability says on which days the pastry is sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Availability>,
}

/// The Go side is a `string` with `+kubebuilder:validation:Enum=Daily;Weekends;Seasonal`.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub enum Availability {
    Daily,
    Weekends,
    Seasonal,
}
