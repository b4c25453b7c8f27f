//! Equivalence with controller-gen: the same APIs written in Go with kubebuilder markers and in
//! Rust with our attributes must give semantically equal CRDs.
//!
//! The Go side (`tests/controller_gen/go/`) is a small imaginary bakery API written for these
//! tests. Its cases cover the marker set that controller-tools exercises in its own
//! `pkg/crd/testdata` (which served as inspiration for what to test), but contain no code from
//! it. This test builds controller-gen v0.19.0 from the Go module proxy (`go install`) and runs
//! it on those Go types to produce the golden CRDs at test time; no controller-gen YAML is
//! checked in. The Rust side (`tests/controller_gen/*.rs`) mirrors the Go types field by field.
//!
//! Without Go (or network for the module proxy) the tests are skipped with one line on stderr,
//! unless `CI=true`, where that is a failure. `CONTROLLER_GEN=/path/to/controller-gen` uses an
//! existing binary.
//!
//! Comparison: both `openAPIV3Schema`s are parsed to `serde_json::Value` and compared key by
//! key; numbers by value (`1` == `1.0`); `required` as a set. Every difference that is not
//! listed as deliberate (with its reason) in the case fails the test. Outside the schema, the
//! group, names, scope and each version's serving, deprecation, subresources, printer columns
//! and selectable fields must be equal too.

// Two printcolumns of one type: clippy's duplicated_attributes false positive (rust-clippy#12923).
#[allow(clippy::duplicated_attributes)]
mod controller_gen {
    pub mod cakeorder;
    pub mod delivery;
    pub mod hamper;
    pub mod oven;
    pub mod pantry;
    pub mod pastry;
    pub mod recipe;
}

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use cargo_operator_runtime::CustomResourceExt;
use controller_gen::*;
use serde_json::Value;

const CONTROLLER_GEN: &str = "sigs.k8s.io/controller-tools/cmd/controller-gen@v0.19.0";

/// The golden CRDs, by CRD name, or `None` (test skipped) when controller-gen is unavailable.
fn goldens() -> Option<&'static BTreeMap<String, Value>> {
    static GOLDENS: OnceLock<Result<BTreeMap<String, Value>, String>> = OnceLock::new();
    match GOLDENS.get_or_init(run_controller_gen) {
        Ok(map) => Some(map),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("controller-gen golden CRDs unavailable (CI=true): {why}");
            }
            // Once per run, and past libtest's output capture (which only sees `eprintln!`).
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "controller-gen equivalence tests skipped: controller-gen unavailable ({why}); set CI=true to fail instead"
                );
            });
            None
        }
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn run_controller_gen() -> Result<BTreeMap<String, Value>, String> {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let binary = match std::env::var_os("CONTROLLER_GEN") {
        Some(path) => PathBuf::from(path),
        None => {
            let gobin = tmp.join("controller-gen-v0.19.0");
            let binary = gobin.join("controller-gen");
            if !binary.exists() {
                run(Command::new("go")
                    .args(["install", CONTROLLER_GEN])
                    .env("GOBIN", &gobin))?;
            }
            binary
        }
    };
    let go_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/controller_gen/go");
    let out_dir = tmp.join(format!("controller-gen-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    run(Command::new(&binary)
        .current_dir(&go_dir)
        .env("GOFLAGS", "-mod=mod")
        .args([
            "crd:crdVersions=v1,allowDangerousTypes=true",
            "paths=./...",
            &format!("output:crd:dir={}", out_dir.display()),
        ]))?;
    let mut crds = BTreeMap::new();
    for entry in std::fs::read_dir(&out_dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
        let crd: Value = serde_saphyr::from_str(&text).map_err(|e| format!("{path:?}: {e}"))?;
        let name = crd["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        crds.insert(name, crd);
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    Ok(crds)
}

/// A difference between our schema and controller-gen's that is on purpose.
struct Deliberate {
    /// JSON pointer (into `openAPIV3Schema`) of the schema node.
    at: &'static str,
    /// The key that differs there.
    key: &'static str,
    why: &'static str,
}

const ROOT_DESCRIPTION: &str = "controller-gen takes the root description from the Go root \
    type's doc comment; the Rust derive has no root type to document, so it uses the spec \
    struct's doc comment (or `<Kind> is the Schema for the <plural> API`)";

fn root_description() -> Deliberate {
    Deliberate {
        at: "",
        key: "description",
        why: ROOT_DESCRIPTION,
    }
}

fn schema_of(crd: &Value, version: &str) -> Value {
    crd["spec"]["versions"]
        .as_array()
        .and_then(|vs| vs.iter().find(|v| v["name"] == version))
        .map(|v| v["schema"]["openAPIV3Schema"].clone())
        .unwrap_or_else(|| panic!("no version {version} in {crd}"))
}

/// Asserts that our CRD's schema for `version` equals controller-gen's, except for `deliberate`.
fn assert_equivalent(ours: &Value, name: &str, version: &str, deliberate: &[Deliberate]) {
    let Some(goldens) = goldens() else {
        return;
    };
    let golden = goldens
        .get(name)
        .unwrap_or_else(|| panic!("controller-gen produced no CRD {name}"));
    let (mut ours, mut theirs) = (schema_of(ours, version), schema_of(golden, version));
    for d in deliberate {
        let a = ours.pointer_mut(d.at).and_then(Value::as_object_mut);
        let removed = a.and_then(|m| m.remove(d.key));
        let b = theirs.pointer_mut(d.at).and_then(Value::as_object_mut);
        let removed_theirs = b.and_then(|m| m.remove(d.key));
        assert!(
            removed != removed_theirs,
            "{name}: `{}` at `{}` is listed as a deliberate difference ({}) but is equal on both sides",
            d.key,
            d.at,
            d.why
        );
    }
    let mut diffs = Vec::new();
    diff(&ours, &theirs, String::new(), &mut diffs);
    assert!(
        diffs.is_empty(),
        "{name} {version}: our openAPIV3Schema differs from controller-gen's:\n  {}",
        diffs.join("\n  ")
    );
}

fn diff(ours: &Value, theirs: &Value, path: String, out: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, va) in a {
                let p = format!("{path}/{k}");
                match b.get(k) {
                    Some(vb) => diff(va, vb, p, out),
                    None => out.push(format!("{p}: only ours has it: {va}")),
                }
            }
            for (k, vb) in b {
                if !a.contains_key(k) {
                    out.push(format!("{path}/{k}: only controller-gen has it: {vb}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if path.ends_with("/required") => {
            let (mut a, mut b) = (a.clone(), b.clone());
            a.sort_by_key(Value::to_string);
            b.sort_by_key(Value::to_string);
            if a != b {
                out.push(format!("{path}: ours {a:?}, controller-gen {b:?}"));
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                diff(va, vb, format!("{path}/{i}"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(format!("{path}: ours {a}, controller-gen {b}")),
    }
}

fn crd<K: CustomResourceExt>() -> Value {
    serde_json::to_value(K::crd()).unwrap()
}

/// The parts of a CRD outside the schemas that both generators set: group, names, scope and,
/// per version (keyed by name), serving, deprecation, subresources, printer columns and
/// selectable fields.
fn resource_of(crd: &Value) -> Value {
    let spec = &crd["spec"];
    let versions: serde_json::Map<String, Value> = spec["versions"]
        .as_array()
        .unwrap_or_else(|| panic!("no versions in {crd}"))
        .iter()
        .map(|v| {
            let mut v = v.as_object().cloned().unwrap_or_default();
            v.remove("schema");
            let name = v["name"].as_str().unwrap_or_default().to_owned();
            (name, Value::Object(v))
        })
        .collect();
    serde_json::json!({
        "group": spec["group"],
        "names": spec["names"],
        "scope": spec["scope"],
        "versions": versions,
    })
}

/// Asserts that our CRD equals controller-gen's outside the schemas (see [`resource_of`]).
fn assert_same_resource(ours: &Value, name: &str) {
    let Some(goldens) = goldens() else {
        return;
    };
    let golden = goldens
        .get(name)
        .unwrap_or_else(|| panic!("controller-gen produced no CRD {name}"));
    let mut diffs = Vec::new();
    diff(
        &resource_of(ours),
        &resource_of(golden),
        String::new(),
        &mut diffs,
    );
    assert!(
        diffs.is_empty(),
        "{name}: our CRD differs from controller-gen's outside the schema:\n  {}",
        diffs.join("\n  ")
    );
}

/// A cluster-scoped kind with status and scale subresources, printer columns (with format,
/// description and priority), a selectable field, a short name, two categories and a
/// defaulted string.
#[test]
fn subresources_printcolumns_and_names_match_controller_gen() {
    let ours = crd::<oven::Oven>();
    let name = "ovens.kitchen.example.org";
    assert_same_resource(&ours, name);
    assert_equivalent(&ours, name, "v1", &[root_description()]);
}

/// `minLength`/`maxLength`, inclusive and exclusive `minimum`/`maximum`, `format`, an
/// explicit singular name, a beta version.
#[test]
fn scalar_bounds_and_format_match_controller_gen() {
    let ours = crd::<delivery::Delivery>();
    let name = "deliveries.bakery.example.org";
    assert_same_resource(&ours, name);
    assert_equivalent(&ours, name, "v1beta1", &[root_description()]);
}

/// Two versions of one kind with different schemas: one deprecated and served, one the
/// storage version; `+structType=atomic` on a nested struct.
#[test]
fn versions_with_one_storage_version_match_controller_gen() {
    let merged = kube_core::crd::merge_crds(
        vec![recipe::v1alpha1::Recipe::crd(), recipe::v1::Recipe::crd()],
        "v1",
    )
    .unwrap();
    let merged = serde_json::to_value(merged).unwrap();
    let storage: Vec<_> = merged["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["storage"] == true)
        .map(|v| v["name"].clone())
        .collect();
    assert_eq!(storage, ["v1"]);
    let name = "recipes.bakery.example.org";
    assert_same_resource(&merged, name);
    for version in ["v1alpha1", "v1"] {
        assert_equivalent(&merged, name, version, &[root_description()]);
    }
}

/// Optional (`*T`) and `+nullable` fields; `minLength`, `pattern`; `minimum`/`maximum`/
/// `multipleOf` on a float and an integer; `default` on a string and a list;
/// `minItems`/`maxItems`; `items:MinLength`/`MaxLength`/`Pattern` with `+listType=set`;
/// `items:Enum`; `Enum` on a string and on an optional string; `default` on an integer and a
/// boolean.
#[test]
fn scalar_and_list_item_validation_match_controller_gen() {
    let ours = crd::<pastry::Pastry>();
    let name = "pastries.bakery.example.org";
    assert_same_resource(&ours, name);
    assert_equivalent(
        &ours,
        name,
        "v1",
        &[
            root_description(),
            // `availability` (`Option<Enum>`) matches exactly: enums are never nullable, as
            // the API server rejects `null` against any `enum`.
            Deliberate {
                at: "/properties/spec/properties/sugarRatio",
                key: "format",
                why: "schemars gives `f64` `format: double`, a valid OpenAPI format that \
                      controller-gen leaves out for float64",
            },
        ],
    );
}

/// `+listType=map` with two `+listMapKey`s (one of them from an inlined struct, `flatten` in
/// Rust), `+mapType=granular`, `+structType=atomic`, `MinProperties`/`MaxProperties` on a type,
/// a map of maps, a map of lists.
#[test]
fn list_and_map_topology_match_controller_gen() {
    let ours = crd::<pantry::Pantry>();
    let name = "pantries.bakery.example.org";
    assert_same_resource(&ours, name);
    assert_equivalent(&ours, name, "v1", &[root_description()]);
}

/// `XValidation` on the spec type (a transition rule with `message`, `fieldPath` and
/// `reason`), on a field (two rules, one without a message), with `messageExpression`, an
/// immutability (`self == oldSelf`) rule with `reason`, and on a nested struct type; `+required`
/// on an `omitempty` field and `+optional` on one without it.
#[test]
fn cel_validation_rules_match_controller_gen() {
    let ours = crd::<cakeorder::CakeOrder>();
    let name = "cakeorders.bakery.example.org";
    assert_same_resource(&ours, name);
    assert_equivalent(
        &ours,
        name,
        "v1",
        &[
            root_description(),
            Deliberate {
                at: "/properties/spec/properties/note",
                key: "default",
                why: "a `#[serde(default)]` field gets its Rust `Default` value as the schema \
                      `default` (schemars' behaviour, which the derive keeps, see \
                      schema_derive.rs): Rust clients fill it in when reading anyway; Go's \
                      `+optional` only drops the field from `required`",
            },
        ],
    );
}

/// `EmbeddedResource` (with `nullable`, and with `PreserveUnknownFields`), a `Schemaless`
/// field that preserves unknown fields, `XIntOrString` with `minLength`/`maxLength`/`pattern`,
/// a plain int-or-string.
#[test]
fn embedded_preserved_and_int_or_string_fields_match_controller_gen() {
    let ours = crd::<hamper::Hamper>();
    let name = "hampers.bakery.example.org";
    assert_same_resource(&ours, name);
    assert_equivalent(&ours, name, "v1", &[root_description()]);
}
