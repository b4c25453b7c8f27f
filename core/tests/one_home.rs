//! The architecture, checked: every Kubernetes rule has one home (this crate), and no module
//! of any crate imports a module that imports it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The `.rs` files of a crate's `src/`.
fn sources(krate: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![repo().join(krate).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The CLI is the root package: its `src/` is the repository's.
const CRATES: &[&str] = &["", "core", "derive", "envtest", "runtime"];

/// Fingerprints of rules: a literal that only the rule's definition needs to spell out.
const RULES: &[(&str, &str)] = &[
    ("\"FieldValueDuplicate\"", "CEL reasons"),
    ("\"deletecollection\"", "RBAC verbs"),
    ("\"impersonate\"", "RBAC verbs"),
    ("\"NoneOnDryRun\"", "webhook side effects"),
    ("\"IfNeeded\"", "webhook reinvocation policies"),
    ("pluralize(", "plurals"),
    (
        "a list-map key must be required or have a default",
        "structural rules",
    ),
    (
        "properties and additionalProperties are mutually exclusive",
        "structural rules",
    ),
    ("\"1.35.4\"", "the Kubernetes version"),
    ("\"v1_35\"", "the k8s-openapi feature"),
    ("\"3.6.6\"", "the etcd version"),
    ("a DNS label has only lowercase letters", "DNS labels"),
    ("\"password\"", "printer column formats"),
    ("\"typeof\"", "Rust keywords"),
    ("\"exists_one\"", "CEL syntax"),
];

#[test]
fn every_rule_is_spelled_out_only_in_core() {
    let mut misplaced = Vec::new();
    for krate in CRATES.iter().filter(|k| **k != "core") {
        for file in sources(krate) {
            let text = std::fs::read_to_string(&file).unwrap();
            // Unit tests may restate a rule to check it.
            let code = text.split("#[cfg(test)]").next().unwrap();
            for (fingerprint, rule) in RULES {
                if code.contains(fingerprint) {
                    misplaced.push(format!(
                        "{} spells out {rule} ({fingerprint})",
                        file.display()
                    ));
                }
            }
        }
    }
    let mut homes = 0;
    for file in sources("core") {
        let text = std::fs::read_to_string(&file).unwrap();
        homes += RULES.iter().filter(|(f, _)| text.contains(f)).count();
    }
    assert!(
        homes >= RULES.len(),
        "core itself lost some rules ({homes})"
    );
    assert!(
        misplaced.is_empty(),
        "rules written outside core:\n{}",
        misplaced.join("\n")
    );
}

/// `crate::a::b` paths used by each module of a crate, as module names (`a`).
fn imports(krate: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = repo().join(krate).join("src");
    let mut graph = BTreeMap::new();
    for file in sources(krate) {
        let relative = file.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        let module = parts.first().cloned().unwrap_or_default();
        if module == "lib" || module == "main" || module.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let used = graph.entry(module.clone()).or_insert_with(BTreeSet::new);
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_module =
                src.join(format!("{name}.rs")).exists() || src.join(&name).join("mod.rs").exists();
            if !name.is_empty() && name != module && is_module {
                used.insert(name);
            }
        }
    }
    graph
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut circles = Vec::new();
    for krate in CRATES {
        let graph = imports(krate);
        for (module, used) in &graph {
            // Depth-first: can `module` reach itself?
            let mut stack: Vec<&String> = used.iter().collect();
            let mut seen = BTreeSet::new();
            while let Some(next) = stack.pop() {
                if next == module {
                    circles.push(format!("{krate}: {module} reaches itself through {used:?}"));
                    break;
                }
                if seen.insert(next) {
                    stack.extend(graph.get(next).into_iter().flatten());
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}
