//! The two generators, each run once over the whole corpus: controller-gen on one Go module
//! holding every case's `types.go`, and `cargo operator manifests` on one cargo-operator project
//! holding every case's `types.rs`.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::corpus::{self, Case, DOMAIN};
use super::support::{self, cargo_operator, run_ok};

/// What one tool made of the corpus.
pub struct Output {
    /// CRDs by `(group, kind)`: the plural may be what differs.
    pub crds: BTreeMap<(String, String), Value>,
    /// The ClusterRole `manager-role`, if there is one.
    pub role: Option<Value>,
    /// The webhook configurations (`config/webhook/manifests.yaml`), if any.
    pub webhooks: Vec<Value>,
}

pub const CONTROLLER_GEN: (&str, &str, &str) = (
    "sigs.k8s.io/controller-tools/cmd/controller-gen",
    "v0.23.0",
    "controller-gen",
);

/// The boilerplate kubebuilder writes beside each version's types (`groupversion_info.go`),
/// less the scheme registration, which CRD generation does not need (and which would need
/// controller-runtime and generated deep copies to compile).
fn groupversion_info(group: &str, version: &str) -> String {
    format!(
        "// Package {version} contains API Schema definitions for the {group} {version} API group.\n\
         // +kubebuilder:object:generate=true\n\
         // +groupName={group}\n\
         package {version}\n\
         \n\
         import \"k8s.io/apimachinery/pkg/runtime/schema\"\n\
         \n\
         // GroupVersion is group version used to register these objects.\n\
         var GroupVersion = schema.GroupVersion{{Group: \"{group}\", Version: \"{version}\"}}\n"
    )
}

/// Builds controller-gen (cached), assembles the Go module and runs controller-gen once.
pub fn controller_gen(cases: &[Case], work: &Path) -> Output {
    let (package, version, binary) = CONTROLLER_GEN;
    let tool = support::go_tool::go_tool(package, version, binary);
    let module = work.join("go");
    std::fs::create_dir_all(&module).unwrap();
    for file in ["go.mod", "go.sum"] {
        std::fs::copy(corpus::root().join(file), module.join(file)).unwrap();
    }
    for case in cases {
        for unit in &case.units {
            let dir = module.join(&case.name).join(&unit.version);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("types.go"), &unit.go).unwrap();
            std::fs::write(
                dir.join("groupversion_info.go"),
                groupversion_info(&case.group, &unit.version),
            )
            .unwrap();
        }
    }
    let out = work.join("controller-gen-out");
    // Floats are "dangerous" to controller-gen; Rust users write f64 freely, so the corpus
    // has them and controller-gen is told to accept them.
    let output = Command::new(&tool)
        .current_dir(&module)
        .args([
            "crd:allowDangerousTypes=true",
            "rbac:roleName=manager-role",
            "webhook",
            "paths=./...",
            &format!("output:crd:dir={}", out.join("crd").display()),
            &format!("output:rbac:dir={}", out.join("rbac").display()),
            &format!("output:webhook:dir={}", out.join("webhook").display()),
        ])
        // go.mod and go.sum are complete: nothing may be resolved or rewritten at test time.
        .env("GOFLAGS", "-mod=readonly")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", tool.display()));
    assert!(
        output.status.success(),
        "controller-gen failed on the corpus ({}):\n{}",
        module.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    read_output(
        &out.join("crd"),
        &out.join("rbac/role.yaml"),
        &out.join("webhook/manifests.yaml"),
    )
}

/// Where the conformance project is built: a fixed place, so that a second run finds the
/// previous build (files are rewritten only when their content changes).
fn project_dir() -> PathBuf {
    support::repo_root().join("target/conformance/project")
}

/// Assembles the cargo-operator project (init, one `create api` per case and version, each
/// scaffolded type file replaced by the case's `types.rs`) and runs `cargo operator manifests`
/// once: one cargo build for all cases.
pub fn cargo_operator_manifests(cases: &[Case], work: &Path) -> Output {
    let scaffold = work.join("conformance");
    run_ok(
        cargo_operator(work)
            .args(["init", "--domain", DOMAIN, "--project-name", "conformance"])
            .arg("--runtime-path")
            .arg(support::repo_root())
            .arg(&scaffold),
    );
    for case in cases {
        for unit in &case.units {
            let mut create = cargo_operator(&scaffold);
            create.args([
                "create",
                "api",
                "--group",
                &case.name,
                "--version",
                &unit.version,
                "--kind",
                &unit.kind,
                // The corpus compares types, not reconcilers: no scaffolded controller (and its
                // #[rbac] rules) in the project, as no controller is in the Go module.
                "--controller=false",
            ]);
            if let Some(plural) = &unit.plural {
                create.args(["--plural", plural]);
            }
            if !unit.namespaced {
                create.arg("--namespaced=false");
            }
            run_ok(&mut create);
            let dir = scaffold
                .join("api/src")
                .join(case.name.replace('-', "_"))
                .join(&unit.version);
            let scaffolded: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.file_name().unwrap() != "mod.rs")
                .collect();
            assert_eq!(
                scaffolded.len(),
                1,
                "one kind per group and version in {}",
                dir.display()
            );
            std::fs::write(&scaffolded[0], &unit.rust).unwrap();
        }
    }
    // `#[rbac]` rules count when they are compiled into the operator binary; the corpus's
    // rules sit beside its types in the api crate, which a binary without controllers does
    // not otherwise use (so does not link).
    let main = scaffold.join("src/main.rs");
    let mut text = std::fs::read_to_string(&main).unwrap();
    text.push_str("\n// The API types, and the #[rbac] rules beside them, are part of the operator.\nuse api as _;\n");
    std::fs::write(&main, text).unwrap();

    let project = project_dir();
    sync(&scaffold, &project);
    run_ok(cargo_operator(&project).arg("manifests"));
    read_output(
        &project.join("config/crd/bases"),
        &project.join("config/rbac/role.yaml"),
        &project.join("config/webhook/manifests.yaml"),
    )
}

/// Makes `to` hold what `from` holds (build output and generated manifests aside), touching
/// only the files that differ, so that cargo sees unchanged sources as unchanged.
fn sync(from: &Path, to: &Path) {
    let fresh = support::snapshot_tree(from);
    if to.exists() {
        for path in support::snapshot_tree(to).keys() {
            let generated = path.starts_with("config/crd/bases")
                || path.starts_with("config/webhook")
                || path.starts_with(".cargo-operator");
            if !fresh.contains_key(path) && !generated {
                std::fs::remove_file(to.join(path)).unwrap();
            }
        }
    }
    for (path, bytes) in &fresh {
        let target = to.join(path);
        if std::fs::read(&target).ok().as_ref() != Some(bytes) {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, bytes).unwrap();
        }
    }
}

fn read_output(crd_dir: &Path, role: &Path, webhooks: &Path) -> Output {
    let mut crds = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(crd_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", crd_dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for crd in support::envtest::yaml_documents(&text) {
            let key = (
                crd["spec"]["group"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                crd["spec"]["names"]["kind"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            assert!(
                crds.insert(key.clone(), crd).is_none(),
                "{}: a second CRD for {key:?}",
                file.display()
            );
        }
    }
    let role = std::fs::read_to_string(role)
        .ok()
        .and_then(|text| support::envtest::yaml_documents(&text).into_iter().next());
    let webhooks = std::fs::read_to_string(webhooks)
        .map(|text| support::envtest::yaml_documents(&text))
        .unwrap_or_default();
    Output {
        crds,
        role,
        webhooks,
    }
}

/// The fast `manifests` route beside `crdgen` on the assembled project
/// ([`support::fast_route_against_crdgen`]).
pub fn fast_route_against_crdgen() -> (usize, Vec<String>) {
    support::fast_route_against_crdgen(&project_dir())
}
