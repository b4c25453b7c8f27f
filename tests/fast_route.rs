//! The fast `manifests` route (CRDs read from the api crate's source) against the compiled
//! one (`crdgen`): on the golden project and on one kind with every shape the route knows,
//! every kind is decided and every CRD is the same JSON, value for value. The conformance
//! test makes the same comparison on its corpus. And the operator's `#[rbac]` rules and
//! `#[webhook]`s read from its source against those the built operator reports.

mod support;

use support::*;

#[test]
fn the_fast_route_reproduces_crdgen_on_the_golden_project() {
    let root = repo_root();
    // Two levels below the repository, like testdata/project (its `../..` runtime path).
    let project = root.join("target/fast-route-project");
    let _ = std::fs::remove_dir_all(&project);
    copy_tree(&root.join("testdata/project"), &project);
    let (decided, refused) = fast_route_against_crdgen(&project);
    assert!(
        refused.is_empty(),
        "the fast route refused golden kinds: {refused:?}"
    );
    assert_eq!(decided, 4, "the golden project's kinds and versions");
    std::fs::remove_dir_all(&project).unwrap();
}

/// A first `manifests` of the golden project compiles nothing: the operator's answer and the
/// CRDs are read from source, and the files are the checked-in ones (which the compiled route
/// wrote). `--check`, which builds and asks both programs, agrees; so it does after an edit of
/// the operator that adds a rule, which is read from source again.
#[test]
fn the_operators_answer_read_from_source_is_the_compiled_one() {
    let root = repo_root();
    let project = root.join("target/fast-answer-project");
    let _ = std::fs::remove_dir_all(&project);
    copy_tree(&root.join("testdata/project"), &project);
    let from_source = "#[rbac] and #[webhook]: read from the operator's source (nothing compiled)";
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(stdout.contains(from_source), "{stdout}");
    assert!(
        snapshot_tree(&project.join("config"))
            == snapshot_tree(&root.join("testdata/project/config")),
        "the manifests read from source differ from the golden project's"
    );
    let stdout = run_ok(cargo_operator(&project).args(["manifests", "--check"]));
    assert!(stdout.contains("up to date"), "{stdout}");

    let controller = project.join("src/controller/policy.rs");
    let code = std::fs::read_to_string(&controller).unwrap();
    let anchor = "#[rbac(groups = [\"events.k8s.io\"]";
    assert!(
        code.contains(anchor),
        "the golden controller changed: update this test"
    );
    let added = "#[rbac(groups = [\"\"], resources = [\"secrets\"], verbs = [\"get\"])]\n";
    std::fs::write(
        &controller,
        code.replacen(anchor, &format!("{added}{anchor}"), 1),
    )
    .unwrap();
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(stdout.contains(from_source), "{stdout}");
    let role = std::fs::read_to_string(project.join("config/rbac/role.yaml")).unwrap();
    assert!(role.contains("  - secrets\n"), "{role}");
    let stdout = run_ok(cargo_operator(&project).args(["manifests", "--check"]));
    assert!(stdout.contains("up to date"), "{stdout}");
    std::fs::remove_dir_all(&project).unwrap();
}

/// Every shape the fast route claims to know, in one kind: scalars with their ranges,
/// `Option`, `Box`, lists, sets, maps (of structs, of `serde_json::Value`), unit enums with
/// serde's renames, nested `#[derive(Schema)]` structs with field and container patches,
/// the Kubernetes types of the table, serde's `rename`, `default`, `skip`. The route must
/// decide it and print what `crdgen` prints.
#[test]
fn the_fast_route_reproduces_crdgen_on_every_shape_it_knows() {
    const TYPES: &str = r#"use cargo_operator_runtime::{CustomResource, Schema};
use k8s_openapi::api::core::v1 as corev1;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The shapes.
///
/// A second paragraph.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[resource(group = "webapp.example.com", version = "v1", kind = "Guestbook", namespaced, status = "GuestbookStatus")]
#[serde(rename_all = "camelCase")]
#[field(rule(rule = "self.minReplicas <= self.maxReplicas", message = "min <= max"))]
pub struct GuestbookSpec {
    /// The least.
    #[field(minimum = 0, default = 1)]
    #[serde(default)]
    pub min_replicas: i32,
    #[serde(default = "most")]
    pub max_replicas: i32,
    pub tiny: u8,
    pub small: i16,
    pub big: u64,
    pub ratio: f64,
    pub flag: Option<bool>,
    #[serde(rename = "renamedField")]
    pub renamed: String,
    pub tags: Vec<String>,
    pub unique: BTreeSet<String>,
    pub labels: BTreeMap<String, String>,
    pub hashed: HashMap<String, Vec<Port>>,
    /// Anything at all.
    #[field(preserve_unknown_fields)]
    pub anything: Option<serde_json::Value>,
    pub lists: BTreeMap<String, Vec<String>>,
    pub boxed: Box<Port>,
    pub ports: Option<Vec<Port>>,
    pub mode: Mode,
    pub maybe_mode: Option<Mode>,
    /// The pods.
    pub template: Option<corev1::PodTemplateSpec>,
    pub resources: BTreeMap<String, Quantity>,
    pub target: Option<IntOrString>,
    #[serde(skip)]
    pub ignored: i32,
    #[field(max_items = 3)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub limited: Vec<Port>,
}

fn most() -> i32 {
    10
}

/// A port.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Schema)]
#[serde(rename_all = "camelCase")]
#[field(rule(rule = "self.number > 0", message = "positive"))]
pub struct Port {
    /// The name.
    #[field(max_length = 15, pattern = "^[a-z]+$")]
    pub name: String,
    #[field(minimum = 1, maximum = 65535)]
    pub number: i32,
    #[serde(default)]
    pub protocol: Option<String>,
}

/// How to run.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    #[default]
    FastPath,
    Slow,
    #[serde(rename = "x")]
    Other,
}

/// What was seen.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Schema)]
#[serde(rename_all = "camelCase", default)]
pub struct GuestbookStatus {
    #[field(list_type = "map", list_map_keys = ["type"])]
    pub conditions: Vec<Condition>,
    pub ready: bool,
    pub observed_generation: Option<i64>,
}
"#;
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("shapes");
    guestbook_project(&project, &["--controller=false"]);
    std::fs::write(project.join("api/src/webapp/v1/guestbook.rs"), TYPES).unwrap();
    let (decided, refused) = fast_route_against_crdgen(&project);
    assert!(
        refused.is_empty(),
        "the fast route refused a shape it claims to know: {refused:?}"
    );
    assert_eq!(decided, 1);
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for (relative, bytes) in snapshot_tree(from) {
        let path = to.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}
