use std::collections::BTreeMap;

use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Retry says how often to try again.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
pub struct Retry {
    /// Attempts is 3 unless set.
    #[field(default = 3)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<i32>,
    /// Backoff is exponential unless set.
    #[field(default = "exponential")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<String>,
}

/// SettingSpec defines the desired state of Setting: defaults of every kind of value.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "defaults.conformance.example.com",
    version = "v1",
    kind = "Setting",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct SettingSpec {
    /// Image is nginx unless set.
    #[field(default = "nginx")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,

    /// Replicas is 1 unless set.
    #[field(default = 1)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,

    /// Ratio is one half unless set.
    #[field(default = 0.5)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,

    /// Enabled is true unless set.
    #[field(default = true)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,

    /// Tags are a and b unless set.
    #[field(default = ["a", "b"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,

    /// Annotations have one entry unless set.
    #[field(default = json!({"team": "core"}))]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,

    /// Retry is an empty object unless set, whose own fields are then defaulted.
    #[field(default = json!({}))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Retry>,

    /// Fallback is a whole object unless set.
    #[field(default = json!({"attempts": 1, "backoff": "linear"}))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Retry>,

    /// Mode is a required field with a default.
    #[field(default = "auto")]
    pub mode: String,
}
