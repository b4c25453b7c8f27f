use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Extras is a typed object that keeps the fields it does not declare.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
#[field(preserve_unknown_fields)]
pub struct Extras {
    /// Version is the only declared field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// What the struct does not declare, kept by serde too.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, serde_json::Value>,
}

/// PluginSpec defines the desired state of Plugin: fields whose unknown content is kept.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "preserve.conformance.example.com",
    version = "v1",
    kind = "Plugin",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct PluginSpec {
    /// Name is a plain field: unknown fields beside it are pruned.
    pub name: String,

    /// Config is any JSON value, kept as given.
    #[field(preserve_unknown_fields)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,

    /// Raw is any JSON object, kept as given.
    #[field(preserve_unknown_fields)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<serde_json::Map<String, serde_json::Value>>,

    /// Extras keeps undeclared fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extras: Option<Extras>,
}
