//! `#[derive(Schema)]` applies `#[field(...)]` on nested types.

use cargo_operator_derive::Schema;
use cargo_operator_runtime::{CustomResource, CustomResourceExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A backup schedule.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "ops.example.com", version = "v1", kind = "Backup", namespaced)]
#[serde(rename_all = "camelCase")]
pub struct BackupSpec {
    /// Where to store backups.
    pub target: Target,
    /// Extra targets.
    #[field(max_items = 3)]
    pub mirrors: Vec<Target>,
    /// Retention.
    pub retention: Option<Retention>,
}

/// A storage target.
#[derive(Schema, Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Bucket name.
    #[field(min_length = 3, max_length = 63, pattern = "^[a-z0-9-]+$")]
    pub bucket_name: String,
    /// Port.
    #[field(
        minimum = 1,
        maximum = 65535,
        rule(rule = "self != 22", message = "not ssh")
    )]
    pub port: Option<i32>,
    /// Scheme (optional: a `null` is pruned like an absent field).
    #[field(enum_values = ["https", "s3"])]
    pub scheme: Option<String>,
}

/// How long to keep backups.
#[derive(Schema, Serialize, Deserialize, Clone, Debug, Default)]
#[serde(default)]
pub struct Retention {
    /// Days to keep.
    #[field(minimum = 1, default = 7)]
    pub days: u32,
}

#[test]
fn nested_fields_are_patched() {
    let crd = serde_json::to_value(Backup::crd()).unwrap();
    let spec = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"];
    let target = &spec["properties"]["target"]["properties"];
    assert_eq!(target["bucketName"]["minLength"], 3);
    assert_eq!(target["bucketName"]["maxLength"], 63);
    assert_eq!(target["bucketName"]["pattern"], "^[a-z0-9-]+$");
    assert_eq!(target["port"]["minimum"], 1.0);
    // Patched before schemars' AddNullable (`type: [string, null]`): an enum is not nullable.
    assert_eq!(target["scheme"].get("nullable"), None);
    assert_eq!(target["scheme"]["type"], "string");
    assert_eq!(target["scheme"]["enum"], serde_json::json!(["https", "s3"]));
    assert_eq!(
        target["port"]["x-kubernetes-validations"][0]["rule"],
        "self != 22"
    );
    let mirror = &spec["properties"]["mirrors"]["items"]["properties"];
    assert_eq!(mirror["bucketName"]["minLength"], 3);
    assert_eq!(spec["properties"]["mirrors"]["maxItems"], 3);
    let days = &spec["properties"]["retention"]["properties"]["days"];
    assert_eq!(days["minimum"], 1.0);
    assert_eq!(days["default"], 7);
    insta::assert_yaml_snapshot!(spec);
}
