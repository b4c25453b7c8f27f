//! Shared helpers of the CLI's integration tests.
#![allow(dead_code)] // each test binary uses a different subset

pub mod envtest;
pub mod go_tool;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (the CLI is its root package).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One target directory for every generated project the tests build, so kube, k8s-openapi and
/// tokio compile once per test run rather than once per project.
pub fn generated_target_dir() -> PathBuf {
    std::env::var_os("CARGO_OPERATOR_TEST_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/generated-projects"))
}

pub fn cargo_operator(dir: &Path) -> Command {
    seed_lockfile(dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-operator"));
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", generated_target_dir());
    command
}

pub fn cargo(dir: &Path) -> Command {
    seed_lockfile(dir);
    let mut command = Command::new(cargo_program());
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", generated_target_dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    command
}

/// The cargo that runs this test (cargo sets `CARGO` for its tests), else the one on `PATH`.
fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Gives the generated project around `dir` this repository's `Cargo.lock` if it has none, so
/// that it builds with the crate versions the workspace build already downloaded. Resolving
/// afresh depends on the registry's answer of the day, and the mirror CI reads is not always
/// consistent: one run locked `h2 0.4.21` and the next cargo call was shown only `<= 0.4.20`.
/// `cargo metadata` then drops the entries the project does not use (the fast route reads the
/// lockfile as it is) and resolves anything missing.
fn seed_lockfile(dir: &Path) {
    let Some(root) = dir.ancestors().find(|dir| {
        std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|manifest| manifest.lines().any(|line| line.trim() == "[workspace]"))
    }) else {
        return;
    };
    let lockfile = root.join("Cargo.lock");
    if root != repo_root() && !lockfile.exists() {
        let seeded = std::fs::copy(repo_root().join("Cargo.lock"), &lockfile).is_ok()
            && Command::new(cargo_program())
                .current_dir(root)
                .args(["metadata", "--format-version", "1", "--quiet"])
                .output()
                .is_ok_and(|output| output.status.success());
        if !seeded {
            // A project that cannot resolve at all (its runtime from crates.io, where it is
            // not published yet) is one the test does not build, and a full disk is a fault
            // test's own: leave the project as it was.
            let _ = std::fs::remove_file(&lockfile);
        }
    }
}

/// Run to success or fail the test with everything the command printed.
pub fn run_ok(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed with {}\n--- stdout\n{stdout}\n--- stderr (cargo progress lines left out)\n{}",
        output.status,
        without_cargo_progress(&String::from_utf8_lossy(&output.stderr))
    );
    stdout
}

/// A failed cargo build prints hundreds of `Compiling …` lines before the one error that
/// matters; CI logs are shown head and tail only, so the error must not drown in them.
fn without_cargo_progress(stderr: &str) -> String {
    const PROGRESS: [&str; 6] = [
        "Compiling ",
        "Checking ",
        "Downloading ",
        "Downloaded ",
        "Blocking waiting for file lock",
        "Fresh ",
    ];
    stderr
        .lines()
        .filter(|line| {
            !PROGRESS
                .iter()
                .any(|word| line.trim_start().starts_with(word))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run to failure; return stderr.
pub fn run_err(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    assert!(
        !output.status.success(),
        "{command:?} unexpectedly succeeded"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file below `dir` (relative path → bytes), skipping build output and lock files.
pub fn snapshot_tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut std::collections::BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy();
            if name == "target" || name == "Cargo.lock" {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `init` at `project`, then `create api` for webapp/v1 Guestbook with `create_api_args`
/// besides.
pub fn guestbook_project(project: &Path, create_api_args: &[&str]) {
    run_ok(
        cargo_operator(project.parent().unwrap())
            .args(["init", "--domain", "example.com", "--runtime-path"])
            .arg(repo_root())
            .arg(project),
    );
    run_ok(
        cargo_operator(project)
            .args([
                "create",
                "api",
                "--group",
                "webapp",
                "--version",
                "v1",
                "--kind",
                "Guestbook",
            ])
            .args(create_api_args),
    );
}

/// The fast `manifests` route beside `crdgen` on `project`: every kind the route decides must
/// be crdgen's CRD, value for value (else the test fails with both). Returns how many kinds it
/// decided and, for the others, why not.
pub fn fast_route_against_crdgen(project: &Path) -> (usize, Vec<String>) {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(project.join("api/Cargo.toml")).unwrap()).unwrap();
    let package = manifest["package"]["name"].as_str().unwrap();
    let printed = run_ok(cargo(project).args([
        "run",
        "--quiet",
        "--package",
        package,
        "--example",
        "crdgen",
    ]));
    let compiled: Vec<serde_json::Value> = serde_json::from_str(&printed).unwrap();
    let fast = cargo_operator::manifests::fast::each_crd(&project.join("api"))
        .unwrap_or_else(|why| panic!("the fast route refused {}: {why}", project.display()));
    assert_eq!(fast.len(), compiled.len(), "one CRD per kind and version");
    let mut decided = 0;
    let mut refused = Vec::new();
    for (fast, compiled) in fast.into_iter().zip(&compiled) {
        match fast {
            Ok(fast) => {
                assert!(
                    fast == *compiled,
                    "the fast route's CRD differs from crdgen's\n--- fast\n{}\n--- crdgen\n{}",
                    serde_json::to_string_pretty(&fast).unwrap(),
                    serde_json::to_string_pretty(compiled).unwrap()
                );
                decided += 1;
            }
            Err(why) => refused.push(why.to_string()),
        }
    }
    (decided, refused)
}

/// The commands that make the reference project, in the groups after which it must build,
/// pass its tests and clippy, and render: `init`; `create api` for two kinds in two groups (one
/// namespaced, one cluster-scoped) and a third that runs an image (`--image`); a second version of one kind with a defaulting, validating
/// and conversion webhook; `manifests`. `runtime_path` is as passed to `init --runtime-path`.
pub fn reference_steps(runtime_path: &str) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        (
            "init",
            vec![args(&[
                "init",
                "--domain",
                "example.com",
                "--owner",
                "Example Inc",
                "--project-name",
                "guestbook-operator",
                "--runtime-path",
                runtime_path,
            ])],
        ),
        (
            "create api",
            vec![
                args(&[
                    "create",
                    "api",
                    "--group",
                    "webapp",
                    "--version",
                    "v1",
                    "--kind",
                    "Guestbook",
                ]),
                args(&[
                    "create",
                    "api",
                    "--group",
                    "infra",
                    "--version",
                    "v1alpha1",
                    "--kind",
                    "Policy",
                    "--namespaced=false",
                ]),
                // kubebuilder's deploy-image plugin: a reconciler that runs an image.
                args(&[
                    "create",
                    "api",
                    "--group",
                    "cache",
                    "--version",
                    "v1alpha1",
                    "--kind",
                    "Memcached",
                    "--image",
                    "memcached:1.6",
                    "--container-port",
                    "11211",
                ]),
            ],
        ),
        (
            "create webhook",
            vec![
                args(&[
                    "create",
                    "api",
                    "--group",
                    "webapp",
                    "--version",
                    "v2",
                    "--kind",
                    "Guestbook",
                    "--controller=false",
                ]),
                args(&[
                    "create",
                    "webhook",
                    "--group",
                    "webapp",
                    "--version",
                    "v1",
                    "--kind",
                    "Guestbook",
                    "--defaulting",
                    "--programmatic-validation",
                    "--conversion",
                ]),
            ],
        ),
        ("manifests", vec![args(&["manifests"])]),
    ]
}

/// Runs one group of [`reference_steps`] in `project` (`init` runs in its parent and names
/// it).
pub fn run_step(project: &Path, commands: &[Vec<String>]) {
    for command in commands {
        if command[0] == "init" {
            let parent = project.parent().unwrap();
            std::fs::create_dir_all(parent).unwrap();
            run_ok(cargo_operator(parent).args(command).arg(project));
        } else {
            run_ok(cargo_operator(project).args(command));
        }
    }
}

/// Scaffold the whole reference project ([`reference_steps`]).
pub fn scaffold_reference_project(project: &Path, runtime_path: &str) {
    for (_, commands) in reference_steps(runtime_path) {
        run_step(project, &commands);
    }
}
