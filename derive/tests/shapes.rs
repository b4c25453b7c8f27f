//! Structural schemas by construction: every Rust shape an API type is made of — enums in each
//! serde tagging mode, `Option`, `flatten`, `rename_all`, `default`, maps, lists, nested
//! structs, the k8s-openapi types and `serde_json::Value` — in the spec and the status of one
//! kind, with golden CRDs, serde round trips of real JSON, and the shapes that have no
//! structural schema failing `crd()` with why and what to do. (Those the derive can see in a
//! field's type are compile errors instead: see `tests/ui/shape_*.rs`.)
//!
//! The snapshots are checked against the API server's structural rules by the cli's
//! `every_derive_snapshot_is_structural`, and installed on a real API server with valid and
//! invalid objects by `tests/envtest_crds.rs`.

use cargo_operator_runtime::{CustomResource, CustomResourceExt};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// The desired shape: one field per Rust shape.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[resource(
    group = "shapes.example.com",
    version = "v1",
    kind = "Shape",
    namespaced,
    status = "ShapeStatus",
    derive = "PartialEq"
)]
#[serde(rename_all = "camelCase")]
pub struct ShapeSpec {
    /// A unit enum: a string.
    pub mode: Mode,
    /// An optional unit enum.
    pub fallback_mode: Option<Mode>,
    /// A data-carrying, externally tagged enum: an object with one key.
    pub source: Source,
    /// An internally tagged enum: the tag beside the variant's fields.
    pub probe: Probe,
    /// An adjacently tagged enum, optional.
    pub action: Option<Action>,
    /// An untagged enum.
    pub target: Target,
    /// An optional nested struct.
    pub limits: Option<Limits>,
    /// Defaulted by serde when absent.
    #[serde(default)]
    pub replicas: i32,
    /// A BTreeMap.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// A HashMap of structs.
    #[serde(default)]
    pub ports: HashMap<String, Port>,
    /// A list of lists.
    #[serde(default)]
    pub args: Vec<Vec<String>>,
    /// A flattened struct: its fields are the spec's.
    #[serde(flatten)]
    pub common: Common,
    /// An integer or a string.
    pub max_surge: IntOrString,
    /// A resource quantity.
    pub memory: Option<Quantity>,
    /// A timestamp.
    pub not_before: Option<Time>,
    /// Any JSON, kept as is.
    #[field(preserve_unknown_fields)]
    pub config: Option<Value>,
    /// A list of any JSON values.
    #[field(items(preserve_unknown_fields))]
    #[serde(default)]
    pub extras: Vec<Value>,
    /// A struct that keeps unknown fields (a flattened map of `Value`).
    pub extensible: Option<Extensible>,
}

/// How to run.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Mode {
    Fast,
    SlowAndSteady,
}

/// Where the code comes from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// A git repository.
    Git {
        url: String,
        #[serde(default)]
        revision: Option<String>,
    },
    /// An image reference.
    Image(String),
    /// Inline files.
    Inline(BTreeMap<String, String>),
    /// Layers.
    Layers(Vec<String>),
}

/// A health probe.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Probe {
    Http { port: u16, path: Option<String> },
    Exec { command: Vec<String> },
    Tcp(TcpProbe),
    None,
}

/// A TCP probe.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct TcpProbe {
    pub host: String,
    pub port: u16,
}

/// What to do next.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(tag = "kind", content = "with")]
pub enum Action {
    Restart,
    Pause,
    Scale { replicas: i32 },
}

/// What to act on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Target {
    ByName { name: String },
    BySelector { selector: BTreeMap<String, String> },
}

/// Resource limits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default, JsonSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct Limits {
    pub cpu_millis: u32,
    pub burst: bool,
}

/// A named port.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct Port {
    pub number: u16,
    pub protocol: Option<String>,
}

/// Fields shared by several kinds, flattened into the spec.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Common {
    pub log_level: String,
    #[serde(default)]
    pub dry_run: bool,
}

/// Named fields plus whatever else the user writes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct Extensible {
    pub name: String,
    #[serde(flatten)]
    pub rest: BTreeMap<String, Value>,
}

/// The observed shape. It is also the spec of its own kind, `StatusShape`, so that the API
/// server validates these shapes on create (a create ignores a status subresource).
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[resource(
    group = "shapes.example.com",
    version = "v1",
    kind = "StatusShape",
    namespaced,
    derive = "PartialEq"
)]
#[serde(rename_all = "camelCase")]
pub struct ShapeStatus {
    /// Conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The phase.
    pub phase: Option<Phase>,
    /// When last probed.
    pub last_probe: Option<Time>,
    /// Capacity per resource.
    #[serde(default)]
    pub capacity: BTreeMap<String, Quantity>,
    /// The source last built.
    pub observed_source: Option<Source>,
    /// The probe last run.
    pub observed_probe: Option<Probe>,
}

/// A phase.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Phase {
    Pending,
    InProgress,
    Done,
}

fn yaml<K: CustomResourceExt>() -> String {
    to_yaml(&K::crd()).unwrap()
}

#[test]
fn shape_crd() {
    insta::assert_snapshot!(yaml::<Shape>());
}

#[test]
fn status_shape_crd() {
    insta::assert_snapshot!(yaml::<StatusShape>());
}

/// A spec with every shape filled in, as a user would write it.
fn full_spec_json() -> Value {
    json!({
        "mode": "slowAndSteady",
        "fallbackMode": "fast",
        "source": {"git": {"url": "https://example.com/repo.git", "revision": "main"}},
        "probe": {"type": "http", "port": 8080, "path": "/healthz"},
        "action": {"kind": "Scale", "with": {"replicas": 3}},
        "target": {"selector": {"app": "web"}},
        "limits": {"cpuMillis": 500, "burst": true},
        "replicas": 2,
        "labels": {"team": "a"},
        "ports": {"http": {"number": 80, "protocol": "TCP"}},
        "args": [["--verbose"], []],
        "log-level": "debug",
        "dry-run": true,
        "maxSurge": "25%",
        "memory": "512Mi",
        "notBefore": "2024-01-01T00:00:00Z",
        "config": {"anything": [1, "two", {"three": null}]},
        "extras": [1, "x", {"y": true}],
        "extensible": {"name": "e", "color": "red", "size": 3},
    })
}

/// The same, in Rust.
fn full_spec() -> ShapeSpec {
    ShapeSpec {
        mode: Mode::SlowAndSteady,
        fallback_mode: Some(Mode::Fast),
        source: Source::Git {
            url: "https://example.com/repo.git".into(),
            revision: Some("main".into()),
        },
        probe: Probe::Http {
            port: 8080,
            path: Some("/healthz".into()),
        },
        action: Some(Action::Scale { replicas: 3 }),
        target: Target::BySelector {
            selector: BTreeMap::from([("app".into(), "web".into())]),
        },
        limits: Some(Limits {
            cpu_millis: 500,
            burst: true,
        }),
        replicas: 2,
        labels: BTreeMap::from([("team".into(), "a".into())]),
        ports: HashMap::from([(
            "http".into(),
            Port {
                number: 80,
                protocol: Some("TCP".into()),
            },
        )]),
        args: vec![vec!["--verbose".into()], vec![]],
        common: Common {
            log_level: "debug".into(),
            dry_run: true,
        },
        max_surge: IntOrString::String("25%".into()),
        memory: Some(Quantity("512Mi".into())),
        not_before: Some(Time(
            "2024-01-01T00:00:00Z"
                .parse()
                .expect("an RFC 3339 timestamp"),
        )),
        config: Some(json!({"anything": [1, "two", {"three": null}]})),
        extras: vec![json!(1), json!("x"), json!({"y": true})],
        extensible: Some(Extensible {
            name: "e".into(),
            rest: BTreeMap::from([("color".into(), json!("red")), ("size".into(), json!(3))]),
        }),
    }
}

/// The smallest valid spec: only what is required.
fn minimal_spec_json() -> Value {
    json!({
        "mode": "fast",
        "source": {"image": "nginx:1.27"},
        "probe": {"type": "none"},
        "target": {"name": "web"},
        "log-level": "info",
        "maxSurge": 1,
    })
}

#[test]
fn a_full_spec_round_trips() {
    let spec: ShapeSpec = serde_json::from_value(full_spec_json()).unwrap();
    assert_eq!(spec, full_spec());
    assert_eq!(serde_json::to_value(&spec).unwrap(), full_spec_json());
}

#[test]
fn a_minimal_spec_deserializes_with_serde_defaults() {
    let spec: ShapeSpec = serde_json::from_value(minimal_spec_json()).unwrap();
    assert_eq!(spec.mode, Mode::Fast);
    assert_eq!(spec.source, Source::Image("nginx:1.27".into()));
    assert_eq!(spec.probe, Probe::None);
    assert_eq!(spec.target, Target::ByName { name: "web".into() });
    assert_eq!(spec.max_surge, IntOrString::Int(1));
    assert_eq!((spec.replicas, spec.common.dry_run), (0, false));
    assert!(spec.labels.is_empty() && spec.ports.is_empty() && spec.extras.is_empty());
    assert_eq!((spec.action, spec.limits, spec.config), (None, None, None));
}

/// Every variant of every enum, in each tagging mode, as JSON and back.
#[test]
fn every_enum_variant_round_trips() {
    fn round_trip<T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
        json: Value,
        rust: T,
    ) {
        assert_eq!(serde_json::from_value::<T>(json.clone()).unwrap(), rust);
        assert_eq!(serde_json::to_value(&rust).unwrap(), json);
    }
    round_trip(json!("fast"), Mode::Fast);
    round_trip(json!("slowAndSteady"), Mode::SlowAndSteady);
    round_trip(json!("IN_PROGRESS"), Phase::InProgress);
    // External.
    round_trip(
        json!({"git": {"url": "u", "revision": null}}),
        Source::Git {
            url: "u".into(),
            revision: None,
        },
    );
    round_trip(json!({"image": "nginx"}), Source::Image("nginx".into()));
    round_trip(
        json!({"inline": {"a.txt": "hi"}}),
        Source::Inline(BTreeMap::from([("a.txt".into(), "hi".into())])),
    );
    round_trip(
        json!({"layers": ["a", "b"]}),
        Source::Layers(vec!["a".into(), "b".into()]),
    );
    // Internal.
    round_trip(
        json!({"type": "http", "port": 80, "path": null}),
        Probe::Http {
            port: 80,
            path: None,
        },
    );
    round_trip(
        json!({"type": "exec", "command": ["true"]}),
        Probe::Exec {
            command: vec!["true".into()],
        },
    );
    round_trip(
        json!({"type": "tcp", "host": "db", "port": 5432}),
        Probe::Tcp(TcpProbe {
            host: "db".into(),
            port: 5432,
        }),
    );
    round_trip(json!({"type": "none"}), Probe::None);
    // Adjacent.
    round_trip(json!({"kind": "Restart"}), Action::Restart);
    round_trip(json!({"kind": "Pause"}), Action::Pause);
    round_trip(
        json!({"kind": "Scale", "with": {"replicas": 2}}),
        Action::Scale { replicas: 2 },
    );
    // Untagged.
    round_trip(
        json!({"name": "web"}),
        Target::ByName { name: "web".into() },
    );
    round_trip(
        json!({"selector": {}}),
        Target::BySelector {
            selector: BTreeMap::new(),
        },
    );
    // serde rejects what the schema rejects.
    assert!(serde_json::from_value::<Probe>(json!({"type": "grpc"})).is_err());
    assert!(serde_json::from_value::<Probe>(json!({"type": "http"})).is_err());
    assert!(serde_json::from_value::<Action>(json!({"kind": "Scale"})).is_err());
    assert!(serde_json::from_value::<Source>(json!("image")).is_err());
    assert!(serde_json::from_value::<Mode>(json!("Fast")).is_err());
}

#[test]
fn a_full_object_and_status_round_trip() {
    let status = json!({
        "conditions": [{
            "type": "Ready", "status": "True", "reason": "Built", "message": "ok",
            "lastTransitionTime": "2024-01-01T00:00:00Z", "observedGeneration": 3,
        }],
        "phase": "IN_PROGRESS",
        "lastProbe": "2024-01-02T03:04:05Z",
        "capacity": {"cpu": "2", "memory": "1Gi", "pods": 110},
        "observedSource": {"layers": ["base"]},
        "observedProbe": {"type": "exec", "command": ["true"]},
    });
    let object = json!({
        "apiVersion": "shapes.example.com/v1",
        "kind": "Shape",
        "metadata": {"name": "s", "namespace": "default"},
        "spec": full_spec_json(),
        "status": status,
    });
    let shape: Shape = serde_json::from_value(object.clone()).unwrap();
    assert_eq!(shape.spec, full_spec());
    let st = shape.status.as_ref().unwrap();
    assert_eq!(st.phase, Some(Phase::InProgress));
    assert_eq!(st.conditions[0].observed_generation, Some(3));
    assert_eq!(st.capacity["pods"], Quantity("110".into()));
    // A quantity written as a number comes back as a string; everything else is unchanged.
    let mut expected = object;
    expected["status"]["capacity"]["pods"] = json!("110");
    assert_eq!(serde_json::to_value(&shape).unwrap(), expected);
    // The status type is also a spec (see `ShapeStatus`).
    let probe: StatusShape = serde_json::from_value(json!({
        "apiVersion": "shapes.example.com/v1", "kind": "StatusShape",
        "metadata": {"name": "p"}, "spec": status,
    }))
    .unwrap();
    assert_eq!(&probe.spec, st);
}

/// Each enum in each tagging mode is one object node whose `oneOf`/`anyOf` branches carry
/// only `required` and the tag's own value (see the snapshot for the whole schema).
#[test]
fn tagged_enums_are_hoisted_with_their_tag_per_variant() {
    let crd = serde_json::to_value(Shape::crd()).unwrap();
    let spec = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"];
    let probe = &spec["properties"]["probe"];
    assert_eq!(probe["type"], "object");
    assert_eq!(
        probe["properties"]["type"],
        json!({"type": "string", "enum": ["http", "exec", "tcp", "none"]})
    );
    assert_eq!(
        probe["oneOf"][3],
        json!({"required": ["type"], "properties": {"type": {"enum": ["none"]}}})
    );
    let action = &spec["properties"]["action"];
    assert_eq!(
        action["oneOf"][2],
        json!({"required": ["kind", "with"], "properties": {"kind": {"enum": ["Scale"]}}})
    );
    assert_eq!(
        spec["properties"]["target"]["anyOf"][0],
        json!({"required": ["name"]})
    );
    assert_eq!(
        spec["properties"]["source"]["oneOf"][1],
        json!({"required": ["image"]})
    );
    let text = serde_json::to_string(&crd).unwrap();
    assert!(!text.contains("x-cargo-operator-tag"), "{text}");
}

/// A minimal structural check of our own (the cli's full checker runs over the snapshots):
/// every node has a type or an int-or-string/preserve-unknown-fields escape, no references,
/// and junctor branches carry no types.
#[test]
fn both_kinds_are_structural() {
    fn walk(node: &Value, path: &str, junctor: bool) {
        let obj = node
            .as_object()
            .unwrap_or_else(|| panic!("{path}: not an object"));
        for key in ["$ref", "$defs", "definitions", "prefixItems"] {
            assert!(!obj.contains_key(key), "{path}: {key}");
        }
        let escape = obj.get("x-kubernetes-int-or-string") == Some(&json!(true))
            || obj.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true));
        if junctor {
            assert!(!obj.contains_key("type"), "{path}: a type inside a junctor");
        } else {
            assert!(
                obj.get("type").is_some_and(Value::is_string) || escape,
                "{path}: untyped"
            );
        }
        assert!(
            !(obj.contains_key("properties") && obj.contains_key("additionalProperties")),
            "{path}"
        );
        for (name, child) in obj
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            walk(child, &format!("{path}.{name}"), junctor);
        }
        for key in ["items", "additionalProperties"] {
            if let Some(child) = obj.get(key) {
                walk(child, &format!("{path}.{key}"), junctor);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if obj.get("x-kubernetes-int-or-string") == Some(&json!(true)) {
                continue;
            }
            for (i, child) in obj
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                walk(child, &format!("{path}.{key}[{i}]"), true);
            }
        }
    }
    for crd in [Shape::crd(), StatusShape::crd()] {
        let crd = serde_json::to_value(crd).unwrap();
        walk(
            &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"],
            "",
            false,
        );
    }
}

/// Shapes with no structural schema that the derive cannot see (they are inside types defined
/// elsewhere): `crd()` panics with why and what to do, never returns a schema the API server
/// would reject.
mod not_structural {
    use super::*;

    macro_rules! fixture {
        ($module:ident, $ty:ty) => {
            pub mod $module {
                use super::*;
                #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, JsonSchema)]
                #[resource(group = "bad.example.com", version = "v1", kind = "Bad")]
                pub struct BadSpec {
                    pub field: $ty,
                }
            }
        };
    }

    /// serde writes `Off` as a string and `On { .. }` as an object.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub enum UnitAndData {
        Off,
        On { level: i32 },
    }
    fixture!(unit_and_data, UnitAndData);

    /// An integer or a string: no single type.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    #[serde(untagged)]
    pub enum Scalars {
        Count(i64),
        Name(String),
    }
    fixture!(untagged_scalars, Scalars);

    /// `x` is an integer in one variant and a string in the other.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    #[serde(untagged)]
    pub enum Clash {
        A { x: i32 },
        B { x: String },
    }
    fixture!(untagged_clash, Clash);

    /// The content is an integer in one variant and a string in the other.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    #[serde(tag = "t", content = "c")]
    pub enum AdjacentClash {
        Count(i32),
        Name(String),
    }
    fixture!(adjacent_clash, AdjacentClash);

    /// A tuple struct of two types.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub struct Pair(i32, String);
    fixture!(tuple_struct, Pair);

    /// A tree: recursive through a type the derive does not see.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub struct Tree {
        pub children: Vec<Tree>,
    }
    fixture!(recursive, Tree);

    /// A flattened map of strings beside a named field.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub struct Labelled {
        pub name: String,
        #[serde(flatten)]
        pub labels: BTreeMap<String, String>,
    }
    fixture!(flattened_string_map, Labelled);

    /// `serde_json::Value` inside a nested type, without preserve-unknown-fields.
    #[derive(Serialize, Deserialize, Clone, Debug, JsonSchema)]
    pub struct Loose {
        pub anything: Value,
    }
    fixture!(nested_json_value, Loose);

    type Crd =
        fn() -> k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;

    fn panic_of(crd: Crd) -> String {
        let payload = std::panic::catch_unwind(crd).expect_err("crd() must panic");
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap()
    }

    #[test]
    fn crd_panics_with_why_and_what_to_do() {
        let cases: [(&str, Crd, &[&str]); 8] = [
            (
                "unit and data variants",
                unit_and_data::Bad::crd,
                &[
                    "variants are different JSON types",
                    "make every variant carry data",
                ],
            ),
            (
                "untagged scalars",
                untagged_scalars::Bad::crd,
                &[
                    "properties[spec].properties[field]",
                    "variants are different JSON types",
                    "#[field(int_or_string)]",
                ],
            ),
            (
                "untagged property clash",
                untagged_clash::Bad::crd,
                &[
                    "give property `x` different schemas",
                    "give the property one type in every variant",
                ],
            ),
            (
                "adjacent content clash",
                adjacent_clash::Bad::crd,
                &["give property `c` different schemas", "adjacently tagged"],
            ),
            (
                "tuple struct",
                tuple_struct::Bad::crd,
                &[
                    "properties[spec].properties[field]",
                    "a tuple is written by serde as a list",
                    "use a struct with named fields",
                ],
            ),
            (
                "recursive type",
                recursive::Bad::crd,
                &["recursive type", "break the cycle"],
            ),
            (
                "flattened map of strings",
                flattened_string_map::Bad::crd,
                &[
                    "properties[spec].properties[field]",
                    "#[serde(flatten)] map",
                    "BTreeMap<String, serde_json::Value>",
                ],
            ),
            (
                "nested serde_json::Value",
                nested_json_value::Bad::crd,
                &[
                    "properties[spec].properties[field].properties[anything]",
                    "#[field(preserve_unknown_fields)]",
                ],
            ),
        ];
        let mut wrong = Vec::new();
        for (what, crd, expected) in cases {
            let message = panic_of(crd);
            let missing: Vec<_> = expected
                .iter()
                .filter(|part| !message.contains(**part))
                .collect();
            if !missing.is_empty() {
                wrong.push(format!("{what}: expected {missing:?} in\n{message}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    }
}

/// YAML as `cargo operator manifests` writes it: long lines are never folded.
fn to_yaml<T: serde::Serialize>(value: &T) -> Result<String, serde_saphyr::SerializeError> {
    let mut options = serde_saphyr::SerializerOptions::default();
    options.folded_wrap_chars = usize::MAX;
    serde_saphyr::to_string_with_options(value, options)
}
