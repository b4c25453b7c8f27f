use cargo_operator_runtime::CustomResource;
use k8s_openapi::api::batch::v1::JobTemplateSpec;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// NightlySpec defines the desired state of Nightly: a job template, as a CronJob has.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "jobtemplate.conformance.example.com",
    version = "v1",
    kind = "Nightly",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct NightlySpec {
    /// Schedule in cron syntax.
    pub schedule: String,

    /// JobTemplate is the job to create.
    pub job_template: JobTemplateSpec,
}
