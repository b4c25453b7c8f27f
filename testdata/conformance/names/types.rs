use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// DatabaseSpec defines the desired state of Database: a resource with its own names.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "names.conformance.example.com",
    version = "v1",
    kind = "Database",
    plural = "databanks",
    singular = "databank",
    shortname = "db",
    category = "storage",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseSpec {
    /// Engine is the database engine.
    pub engine: String,
}
