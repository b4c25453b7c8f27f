//! Not relinking the operator after an edit of the API types alone.
//!
//! The operator binary is built only to be asked for its `#[rbac]` rules and `#[webhook]`s
//! (their literal arguments, registered where they are compiled). An edit confined to the api
//! crate cannot change that answer unless the api crate registers some itself, yet it makes
//! cargo recompile and relink the whole operator, the slowest step of `manifests`. So each
//! answer is recorded in the target directory with every input it came from: the files the
//! operator's dep-info lists outside the api package (its code and its path dependencies'),
//! the manifests and lockfile, cargo's configuration files and the `RUSTFLAGS` (a `--cfg` can
//! switch a rule on). While all of them are as recorded and the api crate's sources name
//! nothing that registers, the recorded answer is the operator's answer, and only `crdgen` is
//! built. Anything else, including a record from another version of this tool, means the
//! operator is built and asked again.

use anyhow::{Context as _, Result};
use proc_macro2::TokenStream;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::workspace::Layout;

/// What one answer depended on, and the answer.
#[derive(Serialize, Deserialize, PartialEq)]
struct Record {
    tool: String,
    rustflags: Vec<(String, String)>,
    inputs: Vec<Input>,
    document: Value,
    /// The [fast route](super::fast) reproduced the compiled `crdgen`'s CRDs on the build
    /// that made this record (so with this lockfile): it may stand in for `crdgen`.
    fast_route: bool,
}

/// A recorded answer that is still current.
pub struct Recorded {
    pub document: Value,
    pub fast_route: bool,
}

/// A file as it was when the answer was recorded; `None`: it did not exist (a cargo
/// configuration file that would change the build if it appeared).
#[derive(Serialize, Deserialize, PartialEq)]
struct Input {
    path: PathBuf,
    state: Option<(u64, u128)>,
}

impl Input {
    fn now(path: PathBuf) -> Input {
        let state = std::fs::metadata(&path).ok().map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            (m.len(), modified)
        });
        Input { path, state }
    }
}

/// The recorded answer of the operator, if nothing it depended on changed since.
pub fn recorded(root: &Path, layout: &Layout) -> Option<Recorded> {
    let text = std::fs::read(record_path(root, layout)).ok()?;
    let record: Record = serde_json::from_slice(&text).ok()?;
    let current = record.tool == env!("CARGO_PKG_VERSION")
        && record.rustflags == rustflags()
        && record
            .inputs
            .iter()
            .all(|input| Input::now(input.path.clone()) == *input);
    current.then_some(Recorded {
        document: record.document,
        fast_route: record.fast_route,
    })
}

/// The files of a built operator's dep-info (`operator_inputs`) its answer depends on: those
/// outside the api package. `None` when the dep-info is not this operator's: another
/// project's build of a binary of the same name in a shared target directory may have
/// rewritten it since, and then it does not list this operator's main file.
pub fn compiled_inputs(layout: &Layout, operator_inputs: &[PathBuf]) -> Option<Vec<PathBuf>> {
    operator_inputs.contains(&layout.operator_main).then(|| {
        operator_inputs
            .iter()
            .filter(|file| !file.starts_with(&layout.api_dir))
            .cloned()
            .collect()
    })
}

/// Records the operator's answer `document` with its inputs (`operator_files`: its sources
/// outside the api package, as read by the run that began at `started`), and whether the fast
/// route may stand in for `crdgen`. Best effort: a record that cannot be written only costs a
/// relink next time.
pub fn record(
    root: &Path,
    layout: &Layout,
    started: SystemTime,
    operator_files: Vec<PathBuf>,
    document: &Value,
    fast_route: bool,
) {
    let path = record_path(root, layout);
    let mut files = operator_files;
    let manifests: Vec<PathBuf> = files.iter().filter_map(|f| package_manifest(f)).collect();
    // A build script is one when its file appears, whatever the manifest says.
    let build_scripts = manifests
        .iter()
        .map(|m| m.with_file_name("build.rs"))
        .collect::<Vec<_>>();
    files.extend(manifests);
    files.extend(build_scripts);
    // The api crate's own sources are not inputs, but what makes `crdgen` print something
    // else than the fast route reads is.
    files.extend([
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
        layout.api_dir.join("Cargo.toml"),
        layout.api_dir.join("build.rs"),
        layout
            .api_dir
            .join("examples")
            .join(format!("{}.rs", crate::workspace::CRDGEN)),
    ]);
    files.extend(cargo_configs(root));
    files.sort();
    files.dedup();
    let inputs: Vec<Input> = files.into_iter().map(Input::now).collect();
    // A file changed while cargo was building may or may not be in the binary: no record,
    // as cargo itself rebuilds what changed after a build started. (Cargo.lock is written by
    // that build itself, with what it resolved.)
    let started = started
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let lockfile = root.join("Cargo.lock");
    if inputs.iter().any(|input| {
        input.path != lockfile && input.state.is_some_and(|(_, modified)| modified >= started)
    }) {
        forget(root, layout);
        return;
    }
    let record = Record {
        tool: env!("CARGO_PKG_VERSION").to_string(),
        rustflags: rustflags(),
        inputs,
        document: document.clone(),
        fast_route,
    };
    let write = || -> Result<()> {
        let dir = path.parent().expect("a record has a directory");
        std::fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        serde_json::to_writer(&mut temp, &record)?;
        temp.persist(&path)?;
        Ok(())
    };
    if write().is_err() {
        let _ = std::fs::remove_file(&path);
    }
}

/// Forgets the recorded answer: the next run builds and asks the operator.
pub fn forget(root: &Path, layout: &Layout) {
    let _ = std::fs::remove_file(record_path(root, layout));
}

/// Whether the Rust sources under `dir` (all of them, compiled or not; `target` and hidden
/// directories left out) name anything that registers an RBAC rule or a webhook: the
/// attributes (under any alias, which a `use` names), or the slices they register in. Read as
/// Rust tokens, so comments and strings do not count; a file that does not lex counts.
pub fn may_register(dir: &Path) -> Result<bool> {
    const NAMES: [&str; 5] = [
        "rbac",
        "webhook",
        "RBAC_RULES",
        "WEBHOOKS",
        "distributed_slice",
    ];
    let names = |tokens| super::fast::operator::names(tokens, &|i| NAMES.iter().any(|n| i == n));
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    dirs.push(path);
                }
            } else if name.ends_with(".rs") {
                let source = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                if source.parse::<TokenStream>().map_or(true, names) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// One record per project: generated projects may share a target directory.
fn record_path(root: &Path, layout: &Layout) -> PathBuf {
    // FNV-1a: stable across runs and versions, unlike std's hasher.
    let hash = root
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    layout
        .target_dir
        .join("cargo-operator")
        .join(format!("{}-{hash:016x}.json", layout.operator_bin))
}

/// The `Cargo.toml` of the package a source file belongs to.
fn package_manifest(file: &Path) -> Option<PathBuf> {
    file.ancestors()
        .skip(1)
        .map(|dir| dir.join("Cargo.toml"))
        .find(|manifest| manifest.is_file())
}

/// Every place cargo reads configuration from for a build in `root`, present or not.
fn cargo_configs(root: &Path) -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    root.ancestors()
        .map(|dir| dir.join(".cargo"))
        .chain(cargo_home)
        .flat_map(|dir| [dir.join("config.toml"), dir.join("config")])
        .collect()
}

/// The environment variables that can put a `--cfg` on the compiler's command line.
fn rustflags() -> Vec<(String, String)> {
    let mut flags: Vec<(String, String)> = std::env::vars()
        .filter(|(name, _)| name.ends_with("RUSTFLAGS"))
        .collect();
    flags.sort();
    flags
}

/// The files a cargo dep-info file (`<artifact>.d`: `target: file file ...`, spaces in
/// paths escaped) lists.
pub fn dep_info(text: &str) -> Vec<PathBuf> {
    let Some((_, files)) = text.lines().next().and_then(|line| line.split_once(": ")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = files.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.extend(chars.next()),
            ' ' => {
                if !current.is_empty() {
                    out.push(PathBuf::from(std::mem::take(&mut current)));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(PathBuf::from(current));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_info_lists_the_files_with_escaped_spaces() {
        assert_eq!(
            dep_info("/t/debug/op: /p/src/main.rs /p/my\\ dir/lib.rs\n\n/p/src/main.rs:\n"),
            [
                PathBuf::from("/p/src/main.rs"),
                PathBuf::from("/p/my dir/lib.rs")
            ]
        );
        assert!(dep_info("").is_empty());
    }

    #[test]
    fn only_tokens_that_name_a_registration_count() {
        let dir = tempfile::tempdir().unwrap();
        let quiet = "//! The operator's conversion webhook and its #[rbac] rules.\n\
                     /// see `rbac`\npub struct Spec { pub webhooks: Vec<String> }\n\
                     const DOC: &str = \"#[webhook(...)]\";\n";
        std::fs::create_dir_all(dir.path().join("src/v1")).unwrap();
        std::fs::write(dir.path().join("src/v1/a.rs"), quiet).unwrap();
        // Not sources of the crate.
        std::fs::create_dir_all(dir.path().join("target/debug")).unwrap();
        std::fs::write(dir.path().join("target/debug/x.rs"), "use rbac;").unwrap();
        std::fs::write(dir.path().join("src/v1/notes.txt"), "#[rbac]").unwrap();
        assert!(!may_register(dir.path()).unwrap());
        for registering in [
            "#[rbac(groups = [\"\"], resources = [\"pods\"], verbs = [\"get\"])]\nfn f() {}",
            "use cargo_operator_runtime::rbac as permissions;",
            "mod m { #[cargo_operator_runtime::webhook(name = \"x\")] impl A for B {} }",
            "macro_rules! r { () => { #[linkme::distributed_slice(X)] static S: u8 = 0; } }",
            "fn broken( {",
        ] {
            std::fs::write(dir.path().join("src/v1/b.rs"), registering).unwrap();
            assert!(may_register(dir.path()).unwrap(), "{registering}");
        }
    }
}
