use cargo_operator_runtime::{CustomResource, Schema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Port is a named port.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Port {
    /// Name identifies the port.
    pub name: String,
    /// Number is the port number.
    pub number: i32,
}

/// Binding is a port and a protocol.
#[derive(Serialize, Deserialize, Clone, Debug, Schema)]
pub struct Binding {
    /// Port is the port number.
    pub port: i32,
    /// Protocol is TCP unless set.
    #[field(default = "TCP")]
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    /// Target is where traffic goes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target: String,
}

/// RouteSpec defines the desired state of Route: server-side-apply list types.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "listtypes.conformance.example.com",
    version = "v1",
    kind = "Route",
    namespaced
)]
#[serde(rename_all = "camelCase")]
pub struct RouteSpec {
    /// Hops are replaced as a whole.
    #[field(list_type = "atomic")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hops: Vec<String>,

    /// Tags are a set of strings.
    #[field(list_type = "set")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,

    /// Weights are a set of integers.
    #[field(list_type = "set")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weights: Vec<i32>,

    /// Ports are keyed by name.
    #[field(list_type = "map", list_map_keys = ["name"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,

    /// Bindings are keyed by port and protocol.
    #[field(list_type = "map", list_map_keys = ["port", "protocol"])]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bindings: Vec<Binding>,

    /// Steps are atomic objects.
    #[field(list_type = "atomic")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Port>,
}
