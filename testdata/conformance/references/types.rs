use cargo_operator_runtime::CustomResource;
use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, LocalObjectReference, ObjectReference, SecretKeySelector,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// BindingSpec defines the desired state of Binding: references to other objects.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "references.conformance.example.com",
    version = "v1",
    kind = "Binding",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct BindingSpec {
    /// Target is any object.
    pub target: ObjectReference,

    /// PullSecret is a secret in the same namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_secret: Option<LocalObjectReference>,

    /// Password is a key of a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretKeySelector>,

    /// Config is a key of a config map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigMapKeySelector>,

    /// Owner is an owner reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<OwnerReference>,
}
