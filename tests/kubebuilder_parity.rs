//! Scaffold parity with kubebuilder: the real kubebuilder (built from its Go module and cached
//! by `support::go_tool`) and `cargo operator` scaffold the same project side by side, and
//! every file kubebuilder writes must have a row in the one table of
//! docs/reference/kubebuilder-parity.md that names our counterpart, or says `none` and why.
//!
//! It fails when
//! - kubebuilder writes a file the table does not list (a new kubebuilder release: bump
//!   `KUBEBUILDER_VERSION` and this test tells you what changed),
//! - a row names a kubebuilder file it no longer writes,
//! - a row names a file of ours that our scaffold does not write, or a file we write has no row,
//! - a `none` has no reason,
//! - `kubectl kustomize config/default` renders a different set of (kind, name) on the two
//!   sides, beyond what the table's `none` rows explain.
//!
//!     cargo test -p cargo-operator --test kubebuilder_parity
//!
//! Needs Go (to build kubebuilder once, ~1 min; cached in ~/.cache/cargo-operator/tools) and
//! kubectl. Without them it skips with a line saying so, unless `CI` is set: then it fails.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use support::go_tool::go_tool;
use support::*;

/// The newest kubebuilder the Go module proxy serves when the table was last checked.
const KUBEBUILDER_VERSION: &str = "v4.16.0";
const TABLE_PAGE: &str = "docs/reference/kubebuilder-parity.md";
const HEADER: [&str; 3] = ["kubebuilder file", "our file(s)", "note"];
/// Both projects get this directory name, so both derive the same project name from it.
const PROJECT: &str = "guestbook-operator";

#[test]
fn every_kubebuilder_file_has_a_counterpart() {
    let Some(kubectl) = tools_or_skip() else {
        return;
    };
    let rows = parse_table(&std::fs::read_to_string(repo_root().join(TABLE_PAGE)).unwrap())
        .unwrap_or_else(|errors| {
            panic!(
                "{TABLE_PAGE}: the table is malformed:\n{}",
                errors.join("\n")
            )
        });

    // Under target/ like the golden test's copy, and left there when the test fails.
    let work = repo_root().join("target/kubebuilder-parity");
    let _ = std::fs::remove_dir_all(&work);
    let theirs = work.join("kubebuilder").join(PROJECT);
    let ours = work.join("ours").join(PROJECT);
    scaffold_with_kubebuilder(&theirs);
    scaffold_with_cargo_operator(&ours);
    let their_files = files(&theirs);
    let our_files = files(&ours);

    let mut problems = Vec::new();
    let mut listed = BTreeSet::new();
    for row in &rows {
        if let Some(file) = &row.kubebuilder {
            if !listed.insert(file.as_str()) {
                problems.push(format!("line {}: `{file}` has more than one row", row.line));
            }
            if !their_files.contains(file) {
                problems.push(format!(
                    "line {}: kubebuilder {KUBEBUILDER_VERSION} no longer generates `{file}`; remove or update the row",
                    row.line
                ));
            }
        }
        for file in &row.ours {
            if !our_files.contains(file) {
                problems.push(format!(
                    "line {}: our scaffold does not produce `{file}`",
                    row.line
                ));
            }
        }
    }
    for file in their_files.difference(&listed.iter().map(|f| f.to_string()).collect()) {
        problems.push(format!(
            "kubebuilder {KUBEBUILDER_VERSION} generates `{file}`, which the table does not list; \
             add a row naming our counterpart, or `none` and why"
        ));
    }
    let ours_listed: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| &r.ours)
        .map(|f| f.as_str())
        .collect();
    for file in &our_files {
        if !ours_listed.contains(file.as_str()) {
            problems.push(format!(
                "our scaffold generates `{file}`, which the table does not list; add it to its \
                 kubebuilder counterpart's row, or a row with kubebuilder file `none` and why"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{TABLE_PAGE} is out of step with the scaffolds \
         (kubebuilder {KUBEBUILDER_VERSION} in {}, ours in {}):\n{}",
        theirs.display(),
        ours.display(),
        problems.join("\n")
    );

    compare_kustomize_renders(&kubectl, &rows, &theirs, &ours);
    let _ = std::fs::remove_dir_all(&work);
}

/// `kubectl kustomize config/default` on both trees must give the same (kind, name without the
/// name prefix), except for the objects of files whose row says `none` on the other side.
///
/// Not comparable: CustomResourceDefinitions. kubebuilder's tree lists
/// `crd/bases/<group>.<domain>_<plural>.yaml` from `create api` on, but that file is written by
/// `make manifests` (controller-gen, which we do not run); ours adds the CRDs to the tree only
/// when `cargo operator manifests` (which compiles the project) writes them. So kubebuilder's
/// missing bases get a stand-in holding just the CRD's name, CRDs are left out of the
/// comparison, and instead the file names kubebuilder lists are checked against the ones our
/// `manifests` wrote into the golden project (same domain, group and kind).
fn compare_kustomize_renders(kubectl: &Path, rows: &[Row], theirs: &Path, ours: &Path) {
    let their_crd_files = crd_kustomization_resources(theirs);
    for file in &their_crd_files {
        let path = theirs.join("config/crd").join(file);
        if !path.exists() {
            let name = Path::new(file).file_stem().unwrap().to_string_lossy();
            let (group, plural) = name.split_once('_').expect("bases/<group>_<plural>.yaml");
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(
                &path,
                format!(
                    "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n\
                     metadata:\n  name: {plural}.{group}\n"
                ),
            )
            .unwrap();
        }
    }
    let golden_crd_files = crd_kustomization_resources(&repo_root().join("testdata/project"));
    for file in &their_crd_files {
        assert!(
            golden_crd_files.contains(file),
            "kubebuilder's config/crd/kustomization.yaml lists `{file}`; our `manifests` lists \
             {golden_crd_files:?} in testdata/project"
        );
    }

    let not_crd = |(kind, _): &(String, String)| kind != "CustomResourceDefinition";
    let their_objects: BTreeSet<_> = render(kubectl, theirs)
        .into_iter()
        .filter(not_crd)
        .collect();
    let our_objects: BTreeSet<_> = render(kubectl, ours).into_iter().filter(not_crd).collect();
    // Objects that a `none` row explains.
    let mut only_theirs = BTreeMap::new();
    let mut only_ours = BTreeMap::new();
    for row in rows {
        match (&row.kubebuilder, row.ours.is_empty()) {
            (Some(file), true) => {
                for object in objects_in(&theirs.join(file)) {
                    only_theirs.insert(object, file.clone());
                }
            }
            (None, _) => {
                for file in &row.ours {
                    for object in objects_in(&ours.join(file)) {
                        only_ours.insert(object, file.clone());
                    }
                }
            }
            _ => {}
        }
    }
    let mut problems = Vec::new();
    for object in their_objects.difference(&our_objects) {
        if !only_theirs.contains_key(object) {
            problems.push(format!(
                "kubebuilder renders {} `{}`, ours does not",
                object.0, object.1
            ));
        }
    }
    for object in our_objects.difference(&their_objects) {
        if !only_ours.contains_key(object) {
            problems.push(format!(
                "ours renders {} `{}`, kubebuilder does not",
                object.0, object.1
            ));
        }
    }
    for (object, file) in &only_theirs {
        if our_objects.contains(object) && their_objects.contains(object) {
            problems.push(format!(
                "{} `{}` of kubebuilder's `{file}` is rendered by ours too, but the table says our counterpart is none",
                object.0, object.1
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "`kubectl kustomize config/default` differs between kubebuilder {KUBEBUILDER_VERSION} \
         ({}) and ours ({}), beyond the `none` rows of {TABLE_PAGE}:\n{}",
        theirs.display(),
        ours.display(),
        problems.join("\n")
    );
}

// --- the table -----------------------------------------------------------------------------

#[derive(Debug)]
struct Row {
    /// 1-based line in the page.
    line: usize,
    /// `None`: a file only we generate.
    kubebuilder: Option<String>,
    /// Empty: no counterpart (`none`).
    ours: Vec<String>,
}

/// The one table whose header is `| kubebuilder file | our file(s) | note |`. A file cell holds
/// file paths in backticks (the kubebuilder cell exactly one) or the word `none`; text outside
/// backticks in the `our file(s)` cell is commentary. A `none` needs a note.
fn parse_table(page: &str) -> Result<Vec<Row>, Vec<String>> {
    let lines: Vec<&str> = page.lines().collect();
    let is_header = |line: &str| {
        let cells = cells(line);
        cells.len() == 3
            && cells
                .iter()
                .zip(HEADER)
                .all(|(cell, name)| cell.eq_ignore_ascii_case(name))
    };
    let headers: Vec<usize> = (0..lines.len()).filter(|&i| is_header(lines[i])).collect();
    let [header] = headers[..] else {
        return Err(vec![format!(
            "expected exactly one table with the header `| {} |`, found {}",
            HEADER.join(" | "),
            headers.len()
        )]);
    };
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, text) in lines.iter().enumerate().skip(header + 2) {
        if !text.trim_start().starts_with('|') {
            break;
        }
        let line = index + 1;
        let cells = cells(text);
        let [kubebuilder, ours, note] = &cells[..] else {
            errors.push(format!(
                "line {line}: expected 3 cells, found {}",
                cells.len()
            ));
            continue;
        };
        let kubebuilder = match file_cell(kubebuilder) {
            None => None,
            Some(files) if files.len() == 1 => Some(files[0].clone()),
            Some(_) => {
                errors.push(format!(
                    "line {line}: the kubebuilder cell must name one file in backticks, or say none"
                ));
                continue;
            }
        };
        let ours = match file_cell(ours) {
            None => Vec::new(),
            Some(files) if !files.is_empty() => files,
            Some(_) => {
                errors.push(format!(
                    "line {line}: the our-file(s) cell must name files in backticks, or say none"
                ));
                continue;
            }
        };
        if kubebuilder.is_none() && ours.is_empty() {
            errors.push(format!("line {line}: a row with none on both sides"));
        }
        if (kubebuilder.is_none() || ours.is_empty()) && note.is_empty() {
            errors.push(format!("line {line}: a none needs a reason in the note"));
        }
        rows.push(Row {
            line,
            kubebuilder,
            ours,
        });
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("the table has no rows".into());
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn cells(line: &str) -> Vec<&str> {
    let line = line.trim();
    let Some(inner) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) else {
        return Vec::new();
    };
    inner.split('|').map(str::trim).collect()
}

/// `None` for `none`, else the code spans of the cell.
fn file_cell(cell: &str) -> Option<Vec<String>> {
    if cell.eq_ignore_ascii_case("none") {
        return None;
    }
    Some(
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect(),
    )
}

// --- the two scaffolds ---------------------------------------------------------------------

fn scaffold_with_kubebuilder(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let kubebuilder = go_tool(
        "sigs.k8s.io/kubebuilder/v4",
        KUBEBUILDER_VERSION,
        "kubebuilder",
    );
    let version = run_ok(Command::new(&kubebuilder).arg("version"));
    assert!(
        version.contains(KUBEBUILDER_VERSION),
        "{} is not kubebuilder {KUBEBUILDER_VERSION}:\n{version}",
        kubebuilder.display()
    );
    let command = |args: &[&str]| {
        let mut command = Command::new(&kubebuilder);
        command
            .current_dir(dir)
            .args(args)
            // kubebuilder runs `go mod tidy` ("Update dependencies") through the module proxy;
            // never let that fetch another Go toolchain.
            .env("GOTOOLCHAIN", "local")
            .env("NO_COLOR", "1");
        command
    };
    // --fetch-deps=false: no `go get` of controller-runtime; --make=false: no `make generate`
    // (controller-gen); neither changes which files are scaffolded except
    // zz_generated.deepcopy.go (see the page).
    run_ok(&mut command(&[
        "init",
        "--domain",
        "example.com",
        "--repo",
        "example.com/project",
        "--fetch-deps=false",
        "--skip-go-version-check",
    ]));
    run_ok(&mut command(&[
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Guestbook",
        "--resource",
        "--controller",
        "--make=false",
    ]));
}

fn scaffold_with_cargo_operator(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    run_ok(cargo_operator(dir).args(["init", "--domain", "example.com"]));
    run_ok(cargo_operator(dir).args([
        "create",
        "api",
        "--group",
        "webapp",
        "--version",
        "v1",
        "--kind",
        "Guestbook",
    ]));
}

/// Every file below `dir`, as a `/`-separated relative path.
fn files(dir: &Path) -> BTreeSet<String> {
    snapshot_tree(dir)
        .into_keys()
        .map(|path| {
            path.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

// --- kustomize -----------------------------------------------------------------------------

/// The `resources:` of `config/crd/kustomization.yaml` that are CRD bases.
fn crd_kustomization_resources(project: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(project.join("config/crd/kustomization.yaml")).unwrap();
    yaml_mapping(&text)["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r.as_str())
        .filter(|r| r.starts_with("bases/"))
        .map(str::to_string)
        .collect()
}

/// (kind, name without the `namePrefix` of config/default) of everything
/// `kubectl kustomize config/default` renders.
fn render(kubectl: &Path, project: &Path) -> BTreeSet<(String, String)> {
    let kustomization =
        std::fs::read_to_string(project.join("config/default/kustomization.yaml")).unwrap();
    let prefix = yaml_mapping(&kustomization)["namePrefix"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let output = run_ok(
        Command::new(kubectl)
            .current_dir(project)
            .args(["kustomize", "config/default"]),
    );
    support::envtest::yaml_documents(&output)
        .iter()
        .filter_map(kind_and_name)
        .map(|(kind, name)| {
            let name = name.strip_prefix(&prefix).unwrap_or(&name).to_string();
            (kind, name)
        })
        .collect()
}

/// The (kind, name) of the Kubernetes objects in a YAML file (nothing for other files, or for
/// patches).
fn objects_in(path: &Path) -> Vec<(String, String)> {
    let is_yaml = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    );
    if !is_yaml {
        return Vec::new();
    }
    let text = std::fs::read_to_string(path).unwrap();
    support::envtest::yaml_documents(&text)
        .iter()
        .filter(|object| object.get("apiVersion").is_some())
        .filter_map(kind_and_name)
        .collect()
}

fn kind_and_name(object: &serde_json::Value) -> Option<(String, String)> {
    Some((
        object.get("kind")?.as_str()?.to_string(),
        object.get("metadata")?.get("name")?.as_str()?.to_string(),
    ))
}

fn yaml_mapping(text: &str) -> serde_json::Value {
    support::envtest::yaml_documents(text)
        .into_iter()
        .next()
        .unwrap_or_default()
}

// --- prerequisites -------------------------------------------------------------------------

/// kubectl (beside the envtest binaries of `KUBEBUILDER_ASSETS`, else on PATH) once `go` is
/// known to run. `None` (one line on stderr) when either is missing, unless `CI` is set.
fn tools_or_skip() -> Option<std::path::PathBuf> {
    let kubectl = std::env::var_os("KUBEBUILDER_ASSETS")
        .map(|dir| Path::new(&dir).join("kubectl"))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| "kubectl".into());
    let missing: Vec<String> = [
        (Path::new("go").to_path_buf(), "version"),
        (kubectl.clone(), "version --client"),
    ]
    .into_iter()
    .filter(|(tool, args)| {
        !Command::new(tool)
            .args(args.split(' '))
            .output()
            .is_ok_and(|output| output.status.success())
    })
    .map(|(tool, _)| tool.display().to_string())
    .collect();
    if missing.is_empty() {
        return Some(kubectl);
    }
    let message = format!(
        "kubebuilder parity needs {} (Go builds kubebuilder {KUBEBUILDER_VERSION}; kubectl renders the kustomize trees)",
        missing.join(" and ")
    );
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "{message}; CI is set, so this fails instead of skipping"
    );
    eprintln!("skipping: {message}");
    None
}
