//! testdata/project is the golden generated project (kubebuilder keeps testdata/project-v4 the
//! same way). This test regenerates it and fails on any byte of difference, so every change to
//! a template or to the generators shows up in review as a change to testdata/.
//!
//! Regenerate it with the one documented command:
//!
//!     UPDATE_GOLDEN=1 cargo test -p cargo-operator --test golden

mod support;

use std::path::Path;
use support::*;

#[test]
fn golden_project_is_up_to_date() {
    let root = repo_root();
    let golden = root.join("testdata/project");
    // Generated two levels below the repository, like testdata/project, so the relative
    // `--runtime-path ../..` written into its Cargo.toml files is the same.
    let fresh = root.join("target/golden-project");
    let _ = std::fs::remove_dir_all(&fresh);
    scaffold_reference_project(&fresh, "../..");
    // Generating twice gives the same bytes: a second `manifests` changes nothing.
    let first = snapshot_tree(&fresh);
    run_ok(cargo_operator(&fresh).arg("manifests"));
    assert!(
        first == snapshot_tree(&fresh),
        "a second `manifests` run changed files"
    );

    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(&golden);
        for (path, bytes) in &first {
            let target = golden.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, bytes).unwrap();
        }
        eprintln!("updated {}", golden.display());
        return;
    }
    let expected = snapshot_tree(&golden);
    let mut differences = Vec::new();
    for path in expected
        .keys()
        .chain(first.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        match (expected.get(path), first.get(path)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(_)) => differences.push(format!("changed: {}", path.display())),
            (Some(_), None) => differences.push(format!("no longer generated: {}", path.display())),
            (None, _) => differences.push(format!("new: {}", path.display())),
        }
    }
    assert!(
        differences.is_empty(),
        "testdata/project is out of date (regenerate with `UPDATE_GOLDEN=1 cargo test -p cargo-operator --test golden` \
         and review the diff):\n{}",
        differences.join("\n")
    );
    let _ = std::fs::remove_dir_all(Path::new(&fresh));
}
