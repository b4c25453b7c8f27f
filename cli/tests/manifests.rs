//! `cargo operator manifests` validates before it writes: a broken API type or a bad `#[rbac]`
//! fails with a clear message, and the manifests already on disk stay as they were.

mod support;

use support::*;

#[test]
fn broken_inputs_fail_and_leave_the_manifests_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo");
    run_ok(
        cargo_operator(dir.path())
            .args(["init", "--domain", "example.com", "--runtime-path"])
            .arg(repo_root())
            .arg(&project),
    );
    run_ok(cargo_operator(&project).args([
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Guestbook",
    ]));
    run_ok(cargo_operator(&project).arg("manifests"));
    let before = snapshot_tree(&project.join("config"));

    // A field type no CRD schema can express: the derive refuses it at compile time.
    let types = project.join("api/src/webapp/v1/guestbook.rs");
    let original = std::fs::read_to_string(&types).unwrap();
    let broken = original.replace(
        "pub replicas: Option<i32>,",
        "pub replicas: Option<i32>,\n    pub pair: (i32, i32),",
    );
    assert_ne!(broken, original, "the template changed: update this test");
    std::fs::write(&types, broken).unwrap();
    let stderr = run_err(cargo_operator(&project).arg("manifests"));
    assert!(stderr.contains("the project does not build"), "{stderr}");
    assert!(
        stderr.contains("tuple"),
        "the derive's error is shown: {stderr}"
    );
    assert!(
        before == snapshot_tree(&project.join("config")),
        "manifests changed files"
    );
    std::fs::write(&types, original).unwrap();

    // A malformed #[rbac]: a compile error at its file and line, nothing written.
    let controller = project.join("src/controller/guestbook.rs");
    let original = std::fs::read_to_string(&controller).unwrap();
    std::fs::write(
        &controller,
        original.replacen("#[rbac(groups", "#[rbac(group", 1),
    )
    .unwrap();
    let stderr = run_err(cargo_operator(&project).arg("manifests"));
    assert!(
        stderr.contains("guestbook.rs") && stderr.contains("unknown key `group` in #[rbac(...)]"),
        "{stderr}"
    );
    assert!(
        before == snapshot_tree(&project.join("config")),
        "manifests changed files"
    );
}
