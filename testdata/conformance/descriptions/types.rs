use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Address is where a letter goes.
/// It spans two lines of comment.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// City, in capitals.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub city: String,
}

/// Signature is who signed.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Signature {
    /// Name of the signer.
    pub name: String,
}

/// LetterSpec defines the desired state of Letter: how doc comments become descriptions.
///
/// This second paragraph belongs to the spec's description too.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "descriptions.conformance.example.com",
    version = "v1",
    kind = "Letter",
    namespaced,
    // The root type's doc comment in Go; without this, the spec struct's.
    description = "Letter is the Schema for the letters API."
)]
#[serde(rename_all = "camelCase")]
pub struct LetterSpec {
    /// Subject is one line.
    pub subject: String,

    /// Body has a description over several lines:
    /// the second line, and
    /// the third line.
    ///
    /// And a second paragraph with `code`, "quotes" and a list:
    ///   - first item
    ///   - second item
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,

    /// To has its own description, which wins over the type's.
    pub to: Address,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Address>,

    pub signature: Signature,

    /// Deprecated: use Subject. Kept for old clients.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,

    /// Priority: 1 is highest; see https://example.com/docs#priority for more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
}
