use cargo_operator_runtime::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// EndpointSpec defines the desired state of Endpoint: string formats the API server checks.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
#[resource(
    group = "formats.conformance.example.com",
    version = "v1",
    kind = "Endpoint",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSpec {
    /// NotBefore is an RFC 3339 timestamp.
    #[field(format = "date-time")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub not_before: String,

    /// Day is a full date.
    #[field(format = "date")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub day: String,

    /// Contact is an e-mail address.
    #[field(format = "email")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contact: String,

    /// ID is a UUID.
    #[field(format = "uuid")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,

    /// Address is an IPv4 address.
    #[field(format = "ipv4")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,

    /// Address6 is an IPv6 address.
    #[field(format = "ipv6")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address6: String,

    /// Network is a CIDR.
    #[field(format = "cidr")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub network: String,

    /// Host is a hostname.
    #[field(format = "hostname")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,

    /// Link is a URI.
    #[field(format = "uri")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link: String,

    /// Blob is base64-encoded bytes.
    #[field(format = "byte")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub blob: String,

    /// Timeout is a Go duration.
    #[field(format = "duration")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timeout: String,
}
