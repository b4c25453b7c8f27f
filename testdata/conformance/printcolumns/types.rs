use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// JobRunSpec defines the desired state of JobRun: what kubectl get shows.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "printcolumns.conformance.example.com",
    version = "v1",
    kind = "JobRun",
    namespaced,
    printcolumn(
        name = "Image",
        type = "string",
        json_path = ".spec.image",
        description = "The image that runs"
    ),
    printcolumn(
        name = "Parallel",
        type = "integer",
        json_path = ".spec.parallelism",
        format = "int32"
    ),
    printcolumn(
        name = "Ratio",
        type = "number",
        json_path = ".spec.ratio",
        priority = 1
    ),
    printcolumn(
        name = "Suspended",
        type = "boolean",
        json_path = ".spec.suspend",
        priority = 10
    ),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp")
)]
#[serde(rename_all = "camelCase")]
pub struct JobRunSpec {
    /// Image to run.
    pub image: String,
    /// Parallelism of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i32>,
    /// Ratio of successes needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    /// Suspend the run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspend: bool,
}
