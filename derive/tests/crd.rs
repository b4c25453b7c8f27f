//! Golden CRDs and behaviour of the generated types.

use cargo_operator_runtime::{CustomResource, CustomResourceExt, Resource};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// GuestbookSpec defines the desired state of Guestbook.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[resource(
    group = "webapp.example.com",
    version = "v1",
    kind = "Guestbook",
    namespaced,
    status = "GuestbookStatus",
    shortname = "gb",
    derive = "PartialEq",
    printcolumn(
        name = "Ready",
        type = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp")
)]
#[serde(rename_all = "camelCase")]
pub struct GuestbookSpec {
    /// Number of replicas.
    #[field(minimum = 1, maximum = 10)]
    pub size: Option<i32>,
    /// The container image to run.
    #[field(min_length = 1, pattern = "^[a-z0-9./:-]+$")]
    pub image_ref: String,
}

/// GuestbookStatus defines the observed state of Guestbook.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct GuestbookStatus {
    /// Current conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition>,
}

/// A cluster-scoped, scalable policy.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "infra.example.com",
    version = "v1alpha1",
    kind = "Policy",
    status = "PolicyStatus",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    label(key = "app.kubernetes.io/part-of", value = "infra"),
    annotation(key = "example.com/owner", value = "platform")
)]
#[field(rule(
    rule = "!has(self.ports) || self.ports.all(p, p.port != 22)",
    message = "port 22 is reserved",
    field_path = ".ports"
))]
#[serde(rename_all = "camelCase")]
pub struct PolicySpec {
    /// Desired replicas.
    #[field(
        minimum = 0,
        exclusive_minimum,
        maximum = 100,
        multiple_of = 2,
        default = 2
    )]
    pub replicas: i32,
    /// Severity of violations.
    #[field(enum_values = ["low", "high"], default = "low")]
    pub severity: Option<String>,
    /// Ports, keyed by name.
    #[field(list_type = "map", list_map_keys = ["name"], max_items = 8)]
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Free-form tags.
    #[field(list_type = "set", min_items = 1)]
    #[serde(rename = "labelSet")]
    pub tags: Vec<String>,
    /// Extra settings, merged atomically.
    #[field(map_type = "atomic", max_properties = 4, min_properties = 1)]
    pub settings: std::collections::BTreeMap<String, String>,
    /// Anything at all.
    #[field(preserve_unknown_fields)]
    pub raw: Option<serde_json::Value>,
    /// Either a number or a percentage.
    #[field(int_or_string)]
    pub max_unavailable: Option<serde_json::Value>,
    /// When to run.
    // A `date-time` string is a CEL timestamp, so the rule compares timestamps. A rule on a
    // scalar has no `field_path` (there is nothing inside it to point at): see the struct.
    #[field(
        format = "date-time",
        nullable,
        rule(
            rule = "self >= timestamp('2000-01-01T00:00:00Z')",
            message = "must not be before 2000",
            reason = "FieldValueInvalid"
        ),
        rule(rule = "self == oldSelf", message_expression = "'immutable'")
    )]
    pub schedule: Option<String>,
}

/// A named port.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct Port {
    /// Port name.
    pub name: String,
    /// Port number.
    pub port: u16,
}

/// PolicyStatus is the observed state of a Policy.
#[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
pub struct PolicyStatus {
    /// Observed replicas.
    pub replicas: i32,
    /// Label selector of the pods.
    pub selector: Option<String>,
}

/// A categorized, selectable widget.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(
    group = "webapp.example.com",
    version = "v1",
    kind = "Widget",
    namespaced,
    plural = "widgetz",
    singular = "widgie",
    shortname = "wd",
    shortname = "wdg",
    category = "all",
    category = "webapp",
    selectable = ".spec.color",
    printcolumn(
        name = "Color",
        type = "string",
        json_path = ".spec.color",
        description = "The colour",
        priority = 1
    )
)]
pub struct WidgetSpec {
    pub color: String,
}

/// The previous version of `Widget`: deprecated and not stored. On its own its `crd()` has no
/// storage version (the API server would reject it); it is only meaningful merged with `v1`.
///
/// Its schema is identical to v1's (same doc comment too): the API server rejects a CRD
/// whose versions have identical `selectableFields` but different schemas ("spec.selectableFields:
/// may only be set when validations.schema is included": it hoists the identical per-version
/// fields to the top level, but not the schemas).
pub mod v1beta1 {
    use super::*;

    /// A categorized, selectable widget.
    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
    #[resource(
        group = "webapp.example.com",
        version = "v1beta1",
        kind = "Widget",
        namespaced,
        plural = "widgetz",
        singular = "widgie",
        shortname = "wd",
        shortname = "wdg",
        category = "all",
        category = "webapp",
        selectable = ".spec.color",
        deprecation_warning = "webapp.example.com/v1beta1 Widget is deprecated; use v1",
        storage = false,
        printcolumn(
            name = "Color",
            type = "string",
            json_path = ".spec.color",
            description = "The colour",
            priority = 1
        )
    )]
    pub struct WidgetSpec {
        pub color: String,
    }
}

/// Patched fields with an `enum` are not nullable (see `enums_are_never_nullable`).
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
#[resource(group = "infra.example.com", version = "v1", kind = "Toggle")]
#[serde(rename_all = "camelCase")]
pub struct ToggleSpec {
    #[field(enum_values = ["on", "off"])]
    pub mode: Option<String>,
    #[field(nullable)]
    #[serde(default)]
    pub level: Level,
    #[field(default = "Low")]
    pub optional_level: Option<Level>,
    #[field(enum_values = ["a", "b"])]
    pub letter: String,
    #[field(items(enum_values = [1, 2]))]
    pub numbers: Vec<Option<i32>>,
    #[field(min_length = 1)]
    pub note: Option<String>,
    #[field(nullable)]
    pub remark: Option<String>,
}

/// A level.
#[derive(Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
pub enum Level {
    #[default]
    Low,
    High,
}

fn yaml<K: CustomResourceExt>() -> String {
    to_yaml(&K::crd()).unwrap()
}

#[test]
fn guestbook_crd() {
    insta::assert_snapshot!(yaml::<Guestbook>());
}

#[test]
fn policy_crd() {
    insta::assert_snapshot!(yaml::<Policy>());
}

#[test]
fn widget_crd() {
    insta::assert_snapshot!(yaml::<Widget>());
}

/// `storage = false` is meaningful in a multi-version CRD: `v1beta1` merged into the stored `v1`.
#[test]
fn widget_versions_crd() {
    let (v1beta1, v1) = (v1beta1::Widget::crd(), Widget::crd());
    assert!(!v1beta1.spec.versions[0].storage);
    assert!(v1.spec.versions[0].storage);
    let merged = kube_core::crd::merge_crds(vec![v1beta1.clone(), v1.clone()], "v1").unwrap();
    // merge_crds stores the named version and no other, which is what the attributes say: the
    // merged v1beta1 is its own crd() verbatim.
    let storage: Vec<_> = merged
        .spec
        .versions
        .iter()
        .map(|v| (v.name.as_str(), v.storage))
        .collect();
    assert_eq!(storage, [("v1", true), ("v1beta1", false)]);
    assert_eq!(merged.spec.versions[1], v1beta1.spec.versions[0]);
    insta::assert_snapshot!(to_yaml(&merged).unwrap());
}

/// The API server checks `enum` even against `null` and never matches it (not even a listed
/// `null`), so a nullable enum would reject `null`; without `nullable` a `null` is pruned.
#[test]
fn enums_are_never_nullable() {
    let crd = serde_json::to_value(Toggle::crd()).unwrap();
    let props = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"];
    let shape =
        |p: &serde_json::Value| (p["nullable"].clone(), p["type"].clone(), p["enum"].clone());
    let none = serde_json::Value::Null;
    use serde_json::json;
    assert_eq!(
        shape(&props["mode"]),
        (none.clone(), json!("string"), json!(["on", "off"]))
    );
    assert_eq!(
        shape(&props["level"]),
        (none.clone(), json!("string"), json!(["Low", "High"]))
    );
    assert_eq!(
        shape(&props["optionalLevel"]),
        (none.clone(), json!("string"), json!(["Low", "High"]))
    );
    assert_eq!(
        shape(&props["letter"]),
        (none.clone(), json!("string"), json!(["a", "b"]))
    );
    assert_eq!(
        shape(&props["numbers"]["items"]),
        (none.clone(), json!("integer"), json!([1, 2]))
    );
    // An `Option` is optional, not nullable, as controller-gen's optional fields are: a
    // `null` is pruned like an absent field. `#[field(nullable)]` asks for `null` to be kept.
    assert_eq!(
        shape(&props["note"]),
        (none.clone(), json!("string"), none.clone())
    );
    assert_eq!(
        shape(&props["remark"]),
        (json!(true), json!("string"), none)
    );
}

#[test]
fn names_and_resource() {
    assert_eq!(Guestbook::crd_name(), "guestbooks.webapp.example.com");
    assert_eq!(Guestbook::plural(&()), "guestbooks");
    assert_eq!(Guestbook::group(&()), "webapp.example.com");
    assert_eq!(Guestbook::version(&()), "v1");
    assert_eq!(Guestbook::kind(&()), "Guestbook");
    assert_eq!(Guestbook::api_version(&()), "webapp.example.com/v1");
    assert_eq!(Guestbook::shortnames(), &["gb"]);
    let crd = Guestbook::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("guestbooks.webapp.example.com")
    );
    assert_eq!(crd.spec.names.kind, "Guestbook");
    assert_eq!(crd.spec.names.list_kind.as_deref(), Some("GuestbookList"));
    assert_eq!(crd.spec.names.singular.as_deref(), Some("guestbook"));
    assert_eq!(crd.spec.scope, "Namespaced");

    assert_eq!(Policy::plural(&()), "policies");
    assert_eq!(Policy::crd().spec.scope, "Cluster");
    assert_eq!(Policy::crd_name(), "policies.infra.example.com");
    assert_eq!(Widget::crd_name(), "widgetz.webapp.example.com");
    assert_eq!(v1beta1::Widget::crd_name(), "widgetz.webapp.example.com");
    let api = v1beta1::Widget::api_resource();
    assert_eq!(
        (api.plural.as_str(), api.api_version.as_str()),
        ("widgetz", "webapp.example.com/v1beta1")
    );
}

#[test]
fn round_trips_through_json() {
    let mut gb = Guestbook::new(
        "my-book",
        GuestbookSpec {
            size: Some(3),
            image_ref: "nginx".into(),
        },
    );
    let json = serde_json::to_value(&gb).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "apiVersion": "webapp.example.com/v1",
            "kind": "Guestbook",
            "metadata": {"name": "my-book"},
            "spec": {"size": 3, "imageRef": "nginx"},
        })
    );
    let back: Guestbook = serde_json::from_value(json).unwrap();
    assert_eq!(back, gb);

    gb.status = Some(GuestbookStatus::default());
    let json = serde_json::to_value(&gb).unwrap();
    assert_eq!(json["status"], serde_json::json!({}));
    let back: Guestbook = serde_json::from_value(json).unwrap();
    assert_eq!(back, gb);
    assert_eq!(gb.meta().name.as_deref(), Some("my-book"));
}

#[test]
fn schema_is_structural() {
    for crd in [
        Guestbook::crd(),
        Policy::crd(),
        Widget::crd(),
        v1beta1::Widget::crd(),
        Toggle::crd(),
    ] {
        let text = serde_json::to_string(&crd).unwrap();
        assert!(!text.contains("$ref"), "{text}");
        assert!(!text.contains("definitions"), "{text}");
        assert!(!text.contains("$schema"), "{text}");
    }
}

/// YAML as `cargo operator manifests` writes it: long lines are never folded.
fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    serde_saphyr::to_string_with_options(value, options)
}
