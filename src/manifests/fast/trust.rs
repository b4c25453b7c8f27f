//! Whether the fast route may answer for a project that was never compiled: its `Cargo.lock`
//! must resolve the crates whose output the route reproduces to the releases this repository's
//! tests proved it against, no crate but the operator and its api crate may register anything
//! into the program, and the `crdgen` example must print `crds()` as `init` writes it.
//!
//! After a compiled build, the route is trusted because it agreed with `crdgen` on that build
//! ([`super::super::reuse`]). Before any build there is nothing to agree with, so the proof is
//! the test suite's: the golden project, the shapes test and the conformance corpus compare
//! both routes with the versions of this repository's `Cargo.lock`, and a unit test below
//! keeps [`PROVEN`] equal to them.

use std::path::Path;

use serde::Deserialize;

use super::{Refusal, source};
use crate::workspace::{CRDGEN, Layout, RUNTIME_PACKAGE};

/// The crates whose schemas the route reproduces (schemars' derive, k8s-openapi's types,
/// kube-core's CRD types), as `major.minor`: a patch release does not change what they print.
pub const PROVEN: [(&str, &str); 3] = [
    ("schemars", "1.2"),
    ("kube-core", "5.0"),
    ("k8s-openapi", "0.29"),
];

/// This tool's own crates: the derive, the runtime and core must be this release, whose code
/// the route runs (core's attribute parsers, schema finishing and CRD assembly).
const OWN: [&str; 3] = [
    "cargo-operator-core",
    "cargo-operator-derive",
    RUNTIME_PACKAGE,
];

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    /// `name` or `name version` when the lockfile holds several versions of it.
    #[serde(default)]
    dependencies: Vec<String>,
}

/// The project's `Cargo.lock`.
pub struct Lock(Lockfile);

/// Reads the lockfile of the project at `root`.
pub fn lock(root: &Path) -> Result<Lock, Refusal> {
    let path = root.join("Cargo.lock");
    let text = std::fs::read_to_string(&path)
        .map_err(|_| Refusal::new("the project has no Cargo.lock yet".into()))?;
    toml::from_str(&text)
        .map(Lock)
        .map_err(|e| Refusal::new(format!("cannot read {}: {e}", path.display())))
}

/// `Ok` when the operator's answer read from source is the one its build would register: the
/// runtime is this release and no other crate can register.
pub fn answer_proven(lock: &Lock, layout: &Layout) -> Result<(), Refusal> {
    own_release(&lock.0)?;
    no_other_registrar(&lock.0, layout)
}

/// `Ok` when the CRDs read from source are the ones `crdgen` would print; `scaffolded_crdgen`
/// is the example as `init` writes it.
pub fn crds_proven(lock: &Lock, layout: &Layout, scaffolded_crdgen: &str) -> Result<(), Refusal> {
    own_release(&lock.0)?;
    proven_releases(&lock.0)?;
    crdgen_prints_crds(layout, scaffolded_crdgen)
}

/// The route computes `crds()`; a `crdgen` that prints something else (filtered, labelled)
/// is known only by running it. `scaffolded`: the example as `init` writes it, which the
/// project's must equal up to formatting and comments.
fn crdgen_prints_crds(layout: &Layout, scaffolded: &str) -> Result<(), Refusal> {
    let path = layout.api_dir.join("examples").join(format!("{CRDGEN}.rs"));
    let example = source::parse(&path)?;
    let scaffolded = syn::parse_file(scaffolded)
        .map_err(|e| Refusal::new(format!("the scaffolded {CRDGEN} does not parse: {e}")))?;
    let plain = example.attrs.iter().all(source::plain_attribute);
    if !plain || example.items != scaffolded.items {
        return Err(Refusal::new(format!(
            "{} is not the one `cargo operator init` writes",
            path.display()
        )));
    }
    Ok(())
}

fn versions<'a>(lock: &'a Lockfile, name: &str) -> Vec<&'a str> {
    lock.package
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.version.as_str())
        .collect()
}

fn own_release(lock: &Lockfile) -> Result<(), Refusal> {
    let ours = env!("CARGO_PKG_VERSION");
    for name in OWN {
        let found = versions(lock, name);
        if found != [ours] {
            return Err(Refusal::new(format!(
                "Cargo.lock resolves {name} to {}, not this cargo-operator's {ours}",
                list(&found)
            )));
        }
    }
    Ok(())
}

fn proven_releases(lock: &Lockfile) -> Result<(), Refusal> {
    for (name, release) in PROVEN {
        let found = versions(lock, name);
        if !(found.len() == 1 && same_release(found[0], release)) {
            return Err(Refusal::new(format!(
                "Cargo.lock resolves {name} to {}, not the {release} release the route was proven with",
                list(&found)
            )));
        }
    }
    Ok(())
}

/// Only a crate that depends on the runtime can register into its slices
/// (`::cargo_operator_runtime::__private`); the api crate is scanned on every run.
fn no_other_registrar(lock: &Lockfile, layout: &Layout) -> Result<(), Refusal> {
    let allowed = [
        layout.operator_package.as_str(),
        layout.api_package.as_str(),
        RUNTIME_PACKAGE,
    ];
    let other = lock.package.iter().find(|p| {
        !allowed.contains(&p.name.as_str())
            && p.dependencies
                .iter()
                .any(|d| d.split(' ').next() == Some(RUNTIME_PACKAGE))
    });
    match other {
        Some(other) => Err(Refusal::new(format!(
            "the package {} depends on {RUNTIME_PACKAGE}: what it registers is known only when compiled",
            other.name
        ))),
        None => Ok(()),
    }
}

/// `version` is of the `major.minor` `release`.
fn same_release(version: &str, release: &str) -> bool {
    version
        .strip_prefix(release)
        .is_some_and(|rest| rest.starts_with('.'))
}

fn list(versions: &[&str]) -> String {
    if versions.is_empty() {
        "nothing".into()
    } else {
        versions.join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn layout() -> Layout {
        Layout {
            api_package: "demo-api".into(),
            api_dir: PathBuf::from("/p/api"),
            operator_package: "demo".into(),
            operator_bin: "demo".into(),
            operator_main: PathBuf::from("/p/src/main.rs"),
            operator_lib: None,
            operator_build_script: false,
            target_dir: PathBuf::from("/p/target"),
        }
    }

    fn lock(extra: &str) -> Lockfile {
        let v = env!("CARGO_PKG_VERSION");
        let text = format!(
            r#"
[[package]]
name = "cargo-operator-core"
version = "{v}"
[[package]]
name = "cargo-operator-derive"
version = "{v}"
dependencies = ["cargo-operator-core"]
[[package]]
name = "cargo-operator-runtime"
version = "{v}"
dependencies = ["cargo-operator-core", "cargo-operator-derive", "linkme"]
[[package]]
name = "schemars"
version = "1.2.3"
[[package]]
name = "kube-core"
version = "5.0.0"
[[package]]
name = "k8s-openapi"
version = "0.29.0"
[[package]]
name = "demo"
version = "0.1.0"
dependencies = ["cargo-operator-runtime", "demo-api"]
[[package]]
name = "demo-api"
version = "0.1.0"
dependencies = ["cargo-operator-runtime", "schemars"]
{extra}"#
        );
        toml::from_str(&text).unwrap()
    }

    /// Bumping one of these crates in this repository's lockfile must bump [`PROVEN`] too:
    /// the tests that compare the routes run with the lockfile's versions.
    #[test]
    fn the_proven_releases_are_those_of_this_repositorys_lockfile() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
        let lock: Lockfile = toml::from_str(&text).unwrap();
        for (name, release) in PROVEN {
            let found = versions(&lock, name);
            assert!(
                found.len() == 1 && same_release(found[0], release),
                "{name}: the lockfile has {found:?}, PROVEN says {release}"
            );
        }
    }

    #[test]
    fn a_lockfile_with_the_proven_releases_and_no_other_registrar_proves_the_route() {
        let lock = Lock(lock(""));
        assert!(answer_proven(&lock, &layout()).is_ok());
        assert!(proven_releases(&lock.0).is_ok());
        assert!(same_release("1.2.10", "1.2"));
        assert!(!same_release("1.20.0", "1.2"));
    }

    #[test]
    fn another_release_or_another_registrar_is_refused() {
        let mut other_release = lock("");
        other_release
            .package
            .iter_mut()
            .find(|p| p.name == "schemars")
            .unwrap()
            .version = "1.3.0".into();
        let why = proven_releases(&other_release).unwrap_err().to_string();
        assert!(why.contains("schemars to 1.3.0"), "{why}");
        // The answer does not depend on schemars.
        assert!(answer_proven(&Lock(other_release), &layout()).is_ok());

        let mut old_runtime = lock("");
        old_runtime
            .package
            .iter_mut()
            .find(|p| p.name == RUNTIME_PACKAGE)
            .unwrap()
            .version = "0.0.1".into();
        let why = answer_proven(&Lock(old_runtime), &layout())
            .unwrap_err()
            .to_string();
        assert!(why.contains("cargo-operator-runtime to 0.0.1"), "{why}");

        let registrar = lock(
            "[[package]]\nname = \"plugin\"\nversion = \"1.0.0\"\ndependencies = [\"cargo-operator-runtime\"]\n",
        );
        let why = answer_proven(&Lock(registrar), &layout())
            .unwrap_err()
            .to_string();
        assert!(why.contains("the package plugin depends on"), "{why}");

        let two = lock("[[package]]\nname = \"schemars\"\nversion = \"1.2.9\"\n");
        assert!(proven_releases(&two).is_err());
    }

    #[test]
    fn only_the_crdgen_init_writes_is_computed_from_source() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout {
            api_dir: dir.path().to_path_buf(),
            ..layout()
        };
        let scaffolded = "//! Prints.\nfn main() { let crds = demo_api::crds(); println!(\"{}\", serde_json::to_string(&crds).expect(\"JSON\")); }\n";
        std::fs::create_dir_all(dir.path().join("examples")).unwrap();
        let example = dir.path().join("examples/crdgen.rs");
        // Formatted differently, as rustfmt leaves it, with other comments.
        std::fs::write(
            &example,
            "fn main() {\n    // Mine.\n    let crds = demo_api::crds();\n    println!(\n        \"{}\",\n        serde_json::to_string(&crds).expect(\"JSON\")\n    );\n}\n",
        )
        .unwrap();
        assert!(crdgen_prints_crds(&layout, scaffolded).is_ok());
        std::fs::write(
            &example,
            "fn main() {\n    let crds = demo_api::crds().into_iter().take(1).collect::<Vec<_>>();\n    println!(\"{}\", serde_json::to_string(&crds).expect(\"JSON\"));\n}\n",
        )
        .unwrap();
        let why = crdgen_prints_crds(&layout, scaffolded)
            .unwrap_err()
            .to_string();
        assert!(
            why.contains("is not the one `cargo operator init` writes"),
            "{why}"
        );
    }
}
