//! The fast `manifests` route (CRDs read from the api crate's source) against the compiled
//! one (`crdgen`): on the golden project every kind is decided and every CRD is the same
//! JSON, value for value. The conformance test makes the same comparison on its corpus.

mod support;

use support::*;

#[test]
fn the_fast_route_reproduces_crdgen_on_the_golden_project() {
    let root = repo_root();
    // Two levels below the repository, like testdata/project (its `../..` runtime path).
    let project = root.join("target/fast-route-project");
    let _ = std::fs::remove_dir_all(&project);
    copy_tree(&root.join("testdata/project"), &project);
    let printed = run_ok(cargo(&project).args([
        "run",
        "--quiet",
        "--package",
        "guestbook-operator-api",
        "--example",
        "crdgen",
    ]));
    let compiled: Vec<serde_json::Value> = serde_json::from_str(&printed).unwrap();
    let fast = cargo_operator::manifests::fast::each_crd(&project.join("api"))
        .unwrap_or_else(|why| panic!("the fast route refused the golden project: {why}"));
    assert_eq!(fast.len(), compiled.len(), "one CRD per kind and version");
    for (fast, compiled) in fast.into_iter().zip(&compiled) {
        let fast = fast.unwrap_or_else(|why| panic!("the fast route refused a golden kind: {why}"));
        assert_same(&fast, compiled);
    }
    std::fs::remove_dir_all(&project).unwrap();
}

/// Equal, or a failure that shows both sides.
pub fn assert_same(fast: &serde_json::Value, compiled: &serde_json::Value) {
    if fast != compiled {
        panic!(
            "the fast route's CRD differs from crdgen's\n--- fast\n{}\n--- crdgen\n{}",
            serde_json::to_string_pretty(fast).unwrap(),
            serde_json::to_string_pretty(compiled).unwrap()
        );
    }
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for (relative, bytes) in snapshot_tree(from) {
        let path = to.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}
