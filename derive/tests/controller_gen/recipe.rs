//! The Rust side of `go/recipe`: two versions of one kind, v1alpha1 (served, deprecated, not
//! stored) and v1 (the storage version), whose schemas differ, with an atomic nested struct.

pub mod v1alpha1 {
    use cargo_operator_derive::Schema;
    use cargo_operator_runtime::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    fn is_zero(v: &i32) -> bool {
        *v == 0
    }

    /// Flour is one flour of a dough.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub struct Flour {
        /// Grain names the cereal the flour is milled from.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub grain: String,
        /// Grams is the weight of flour.
        #[serde(default, skip_serializing_if = "is_zero")]
        pub grams: i32,
    }

    /// Dough is the base every recipe starts from.
    #[derive(Schema, Serialize, Deserialize, Clone, Debug)]
    pub struct Dough {
        /// Flour is replaced as a whole by server-side apply, never merged field by field.
        #[field(map_type = "atomic")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub flour: Option<Flour>,
    }

    /// RecipeSpec is a recipe as first drafted.
    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
    #[resource(
        group = "bakery.example.org",
        version = "v1alpha1",
        kind = "Recipe",
        namespaced,
        storage = false,
        deprecation_warning = "bakery.example.org/v1alpha1 Recipe is deprecated; use v1"
    )]
    pub struct RecipeSpec {
        /// Dough is what goes into the mixer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub dough: Option<Dough>,
        /// Hydration is water per flour, in percent.
        #[serde(default, skip_serializing_if = "is_zero")]
        pub hydration: i32,
    }
}

pub mod v1 {
    use cargo_operator_derive::Schema;
    use cargo_operator_runtime::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    fn is_zero(v: &i32) -> bool {
        *v == 0
    }

    fn is_false(v: &bool) -> bool {
        !*v
    }

    /// Flour is one flour of a dough.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub struct Flour {
        /// Grain names the cereal the flour is milled from.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub grain: String,
        /// Grams is the weight of flour.
        #[serde(default, skip_serializing_if = "is_zero")]
        pub grams: i32,
        /// Sifted says whether the flour goes through a sieve first.
        #[serde(default, skip_serializing_if = "is_false")]
        pub sifted: bool,
    }

    /// Dough is the base every recipe starts from.
    #[derive(Schema, Serialize, Deserialize, Clone, Debug)]
    pub struct Dough {
        /// Flour is replaced as a whole by server-side apply, never merged field by field.
        #[field(map_type = "atomic")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub flour: Option<Flour>,
    }

    /// RecipeSpec is a recipe ready for the production line.
    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
    #[resource(
        group = "bakery.example.org",
        version = "v1",
        kind = "Recipe",
        namespaced,
        storage = true
    )]
    #[serde(rename_all = "camelCase")]
    pub struct RecipeSpec {
        /// Dough is what goes into the mixer.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub dough: Option<Dough>,
        /// HydrationPercent is water per flour, in percent.
        #[field(minimum = 50, maximum = 100)]
        #[serde(default, skip_serializing_if = "is_zero")]
        pub hydration_percent: i32,
    }
}
