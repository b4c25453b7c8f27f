//! The corpus: `testdata/conformance/<case>/`, each case the same API written twice, as
//! `types.go` (kubebuilder markers) and `types.rs` (cargo-operator attributes), either directly
//! in the case directory or, for a kind with several versions, in one subdirectory per version.
//! `objects/` holds the objects the API servers judge: `ok-*.yaml` are accepted by
//! controller-gen's CRD, `bad-*.yaml` rejected (the prefix checks the corpus itself).

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Every API group of the corpus ends with this: `<case>.conformance.example.com`, so a case
/// is also the short group name given to `cargo operator create api --group`.
pub const DOMAIN: &str = "conformance.example.com";

pub struct Case {
    pub name: String,
    pub group: String,
    pub units: Vec<Unit>,
    pub objects: Vec<ObjectFile>,
    /// The resources and non-resource URLs the case's `+kubebuilder:rbac` markers name, to
    /// attribute the rules of the (one, merged) ClusterRole to cases.
    pub rbac_names: Vec<String>,
}

/// One version of one kind: a `types.go` and a `types.rs`.
pub struct Unit {
    pub version: String,
    pub kind: String,
    pub plural: Option<String>,
    pub namespaced: bool,
    pub go: String,
    pub rust: String,
}

pub struct ObjectFile {
    /// The file name without `.yaml`; also the object's name.
    pub name: String,
    /// `ok-` (controller-gen's CRD accepts it) or `bad-`.
    pub expect_accepted: bool,
    /// The object; further documents are updates applied in turn (the last one is judged).
    pub documents: Vec<Value>,
}

pub fn root() -> PathBuf {
    super::support::repo_root().join("testdata/conformance")
}

pub fn load() -> Vec<Case> {
    let root = root();
    let mut cases = Vec::new();
    for dir in sorted_dirs(&root) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut unit_dirs: Vec<PathBuf> = if dir.join("types.rs").exists() {
            vec![dir.clone()]
        } else {
            sorted_dirs(&dir)
                .into_iter()
                .filter(|d| d.join("types.rs").exists())
                .collect()
        };
        unit_dirs.sort();
        assert!(
            !unit_dirs.is_empty(),
            "{}: a case holds types.go and types.rs, directly or in one directory per version",
            dir.display()
        );
        let units: Vec<Unit> = unit_dirs.iter().map(|d| unit(&name, d)).collect();
        let group = format!("{name}.{DOMAIN}");
        let objects = objects(&dir.join("objects"));
        assert!(
            !objects.is_empty(),
            "{}: no objects/*.yaml for the API servers to judge",
            dir.display()
        );
        let rbac_names = units.iter().flat_map(|u| rbac_names(&u.go)).collect();
        cases.push(Case {
            name,
            group,
            units,
            objects,
            rbac_names,
        });
    }
    cases
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir() && path.file_name().unwrap() != "objects")
        .collect();
    dirs.sort();
    dirs
}

fn unit(case: &str, dir: &Path) -> Unit {
    let read = |file: &str| {
        std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
    };
    let (go, rust) = (read("types.go"), read("types.rs"));
    let resource = resource_attribute(&rust)
        .unwrap_or_else(|| panic!("{}/types.rs has no #[resource(...)]", dir.display()));
    let value = |key: &str| string_value(&resource, key);
    let here = || format!("{}/types.rs", dir.display());
    let group = value("group").unwrap_or_else(|| panic!("{}: no group", here()));
    assert_eq!(
        group,
        format!("{case}.{DOMAIN}"),
        "{}: the group of case `{case}` is `{case}.{DOMAIN}`",
        here()
    );
    let version = value("version").unwrap_or_else(|| panic!("{}: no version", here()));
    let package = go
        .lines()
        .find_map(|line| line.strip_prefix("package "))
        .map(str::trim);
    assert_eq!(
        package,
        Some(version.as_str()),
        "{}/types.go: the Go package is named after the version, as kubebuilder's api/<version>",
        dir.display()
    );
    Unit {
        kind: value("kind").unwrap_or_else(|| panic!("{}: no kind", here())),
        plural: value("plural"),
        namespaced: top_level_items(&resource).iter().any(|i| i == "namespaced"),
        version,
        go,
        rust,
    }
}

/// The inside of `#[resource( ... )]`.
fn resource_attribute(rust: &str) -> Option<String> {
    let start = rust.find("#[resource(")? + "#[resource(".len();
    let mut depth = 1;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in rust[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(rust[start..start + i].to_string());
                }
            }
            _ => {}
        }
    }
    None
}

/// The comma-separated items of an attribute's inside, at nesting depth 0, trimmed.
fn top_level_items(inside: &str) -> Vec<String> {
    let (mut items, mut current) = (Vec::new(), String::new());
    let (mut depth, mut in_string, mut escaped) = (0, false, false);
    for c in inside.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' | '[' if !in_string => depth += 1,
            ')' | ']' if !in_string => depth -= 1,
            ',' if !in_string && depth == 0 => {
                items.push(std::mem::take(&mut current).trim().to_string());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current.trim().to_string());
    items.retain(|item| !item.is_empty());
    items
}

/// `key = "value"` among the top-level items.
fn string_value(inside: &str, key: &str) -> Option<String> {
    top_level_items(inside).iter().find_map(|item| {
        let (k, v) = item.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// What the `+kubebuilder:rbac` markers of a Go file name: resources and URLs.
fn rbac_names(go: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in go.lines() {
        let Some(marker) = line.trim().strip_prefix("// +kubebuilder:rbac:") else {
            continue;
        };
        for part in marker.split(',') {
            if let Some((key, value)) = part.split_once('=')
                && (key == "resources" || key == "urls")
            {
                names.extend(value.split(';').map(|v| v.trim_matches('"').to_string()));
            }
        }
    }
    names
}

fn objects(dir: &Path) -> Vec<ObjectFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let expect_accepted = if name.starts_with("ok-") {
                true
            } else if name.starts_with("bad-") {
                false
            } else {
                panic!(
                    "{}: an object file is named ok-*.yaml or bad-*.yaml",
                    path.display()
                )
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let documents = super::support::envtest::yaml_documents(&text);
            assert!(!documents.is_empty(), "{}: no object", path.display());
            ObjectFile {
                name,
                expect_accepted,
                documents,
            }
        })
        .collect()
}

/// The keys of docs/reference/attributes.md's resource and field tables whose kubebuilder
/// marker column names a marker (`+...`), with those markers: what the corpus must cover.
pub fn reference_keys() -> Vec<(String, Vec<String>)> {
    let path = super::support::repo_root().join("docs/reference/attributes.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut keys = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 5 || !cells[1].starts_with('`') {
            continue;
        }
        let key = cells[1]
            .trim_start_matches('`')
            .split('`')
            .next()
            .unwrap()
            .to_string();
        let markers: Vec<String> = cells[2]
            .trim_matches('`')
            .split(" / ")
            .map(str::trim)
            .filter(|m| m.starts_with('+'))
            .map(str::to_string)
            .collect();
        if !markers.is_empty() {
            keys.push((key, markers));
        }
    }
    keys
}
