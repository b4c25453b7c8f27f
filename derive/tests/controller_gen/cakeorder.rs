//! The Rust side of `go/cakeorder`: CEL rules on the spec object (a transition rule with
//! message, reason and field path), on fields (several rules, one without a message, one with
//! a message expression, an immutability rule) and on a nested struct; also a required field
//! that is left out when empty and an optional one that is always written.

use cargo_operator_derive::Schema;
use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// CakeOrderSpec is one custom cake order.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "bakery.example.org",
    version = "v1",
    kind = "CakeOrder",
    namespaced
)]
#[field(rule(
    rule = "!has(oldSelf.discountCents) || has(self.discountCents)",
    message = "a granted discount cannot be withdrawn",
    field_path = ".discountCents",
    reason = "FieldValueForbidden"
))]
#[serde(rename_all = "camelCase")]
pub struct CakeOrderSpec {
    /// Inscription is piped on top of the cake.
    #[field(
        rule(
            rule = "self.size() <= 40",
            message = "at most 40 characters fit on a cake"
        ),
        rule(rule = "!self.startsWith(' ')")
    )]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub inscription: String,

    /// LayerCodes spells each layer's flavour with three letters.
    #[field(rule(
        rule = "self.size() % 3 == 0",
        message_expression = "'three letters per layer, got ' + string(self.size())"
    ))]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub layer_codes: String,

    /// DiscountCents is off the price; once set it may change but not go away.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub discount_cents: i32,

    /// PickupDate is fixed when the order is placed.
    #[field(rule(
        rule = "self == oldSelf",
        message = "pickupDate is immutable",
        reason = "FieldValueInvalid"
    ))]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pickup_date: String,

    /// CustomerID is required although empty values are left out when writing.
    #[serde(rename = "customerID", skip_serializing_if = "String::is_empty")]
    pub customer_id: String,

    /// Note is optional although it is always written.
    #[serde(default)]
    pub note: String,

    /// Servings is how many guests the cake must feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servings: Option<Servings>,
}

/// Servings is a range of guest counts.
#[derive(Schema, Serialize, Deserialize, Clone, Debug)]
#[field(rule(
    rule = "self.fewest <= self.most",
    message = "fewest must not exceed most"
))]
pub struct Servings {
    pub fewest: i32,
    pub most: i32,
}
