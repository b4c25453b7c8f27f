//! Bad input never costs a project: a table of refused inputs, each checked for the exit code,
//! one clear message that names the value, and a project tree that is byte for byte what it
//! was. The classes: names of the wrong shape, names that collide with Rust, cargo, the
//! generated code or another kind, lengths past the API server's limits, inconsistent
//! versions, a hand-edited project file, a project whose scaffold markers or files are gone.

mod support;

use std::path::{Path, PathBuf};
use support::*;

/// One refused input: what to run, how to break the project first (if at all), and what the
/// one error line must say.
struct Case {
    name: &'static str,
    /// Arguments to `cargo operator`, run in the project (or, for `init`, in its parent).
    args: &'static [&'static str],
    /// Run in the project's parent directory (for `init`).
    in_parent: bool,
    /// Breaks the project before the run.
    prepare: fn(&Path),
    /// Every one of these is in the error.
    says: &'static [&'static str],
}

fn nothing(_: &Path) {}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

const fn init(
    name: &'static str,
    args: &'static [&'static str],
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        args,
        in_parent: true,
        prepare: nothing,
        says,
    }
}

const fn run(
    name: &'static str,
    args: &'static [&'static str],
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        args,
        in_parent: false,
        prepare: nothing,
        says,
    }
}

const fn broken(
    name: &'static str,
    prepare: fn(&Path),
    args: &'static [&'static str],
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        args,
        in_parent: false,
        prepare,
        says,
    }
}

macro_rules! api {
    ($($arg:literal),*) => {
        &["create", "api", $($arg),*]
    };
}

const CASES: &[Case] = &[
    // init: project names
    init(
        "uppercase project",
        &["init", "--domain", "example.com", "Demo"],
        &["invalid project name `Demo`"],
    ),
    init(
        "underscore project",
        &["init", "--domain", "example.com", "demo_operator"],
        &["invalid project name", "e.g. `demo-operator`"],
    ),
    init(
        "digit-first project",
        &["init", "--domain", "example.com", "1demo"],
        &["invalid project name `1demo`", "digit"],
    ),
    init(
        "keyword project",
        &["init", "--domain", "example.com", "crate"],
        &["`crate`", "keyword"],
    ),
    init(
        "cargo-reserved project",
        &["init", "--domain", "example.com", "test"],
        &["`test`", "reserved by cargo"],
    ),
    init(
        "std project",
        &["init", "--domain", "example.com", "core"],
        &["`core`"],
    ),
    init(
        "dependency project",
        &["init", "--domain", "example.com", "tokio"],
        &["`tokio`", "dependency"],
    ),
    init(
        "api project",
        &["init", "--domain", "example.com", "api"],
        &["`api`", "dependency"],
    ),
    init(
        "serde project",
        &["init", "--domain", "example.com", "serde"],
        &["`serde`", "dependency"],
    ),
    init(
        "windows project",
        &["init", "--domain", "example.com", "con"],
        &["`con`", "Windows"],
    ),
    init(
        "long project",
        &[
            "init",
            "--domain",
            "example.com",
            "a-very-long-operator-name-for-a-service",
        ],
        &["too long", "63"],
    ),
    init(
        "dash-last project",
        &["init", "--domain", "example.com", "demo-"],
        &["invalid project name `demo-`"],
    ),
    init(
        "dotted project",
        &[
            "init",
            "--domain",
            "example.com",
            "--project-name",
            "demo.op",
            "x",
        ],
        &["invalid project name `demo.op`"],
    ),
    // init: domains
    init(
        "uppercase domain",
        &["init", "--domain", "Example.com", "demo"],
        &["invalid --domain `Example.com`"],
    ),
    init(
        "double-dot domain",
        &["init", "--domain", "example..com", "demo"],
        &["invalid --domain", "empty part"],
    ),
    init(
        "underscore domain",
        &["init", "--domain", "my_domain.com", "demo"],
        &["invalid --domain `my_domain.com`"],
    ),
    init(
        "dash domain",
        &["init", "--domain=-example.com", "demo"],
        &["invalid --domain"],
    ),
    init(
        "long domain label",
        &[
            "init",
            "--domain",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
            "demo",
        ],
        &["invalid --domain", "63"],
    ),
    // init: paths and targets
    init(
        "missing runtime path",
        &[
            "init",
            "--domain",
            "example.com",
            "--runtime-path",
            "/nonexistent/checkout",
            "demo",
        ],
        &["--runtime-path", "does not exist"],
    ),
    init(
        "existing project",
        &["init", "--domain", "example.com", "project"],
        &["already holds a cargo-operator project"],
    ),
    // create api: kinds
    run(
        "lowercase kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "guestbook"
        ),
        &["invalid --kind `guestbook`", "uppercase"],
    ),
    run(
        "underscore kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guest_book"
        ),
        &["invalid --kind `Guest_book`", "'_'"],
    ),
    run(
        "dash kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guest-book"
        ),
        &["invalid --kind `Guest-book`"],
    ),
    run(
        "digit-first kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "1Book"),
        &["invalid --kind `1Book`"],
    ),
    run(
        "non-ascii kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Bücher"),
        &["invalid --kind `Bücher`"],
    ),
    run(
        "Self kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Self"),
        &["invalid --kind `Self`", "keyword"],
    ),
    run(
        "Option kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Option"),
        &["invalid --kind `Option`", "prelude"],
    ),
    run(
        "Result kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Result"),
        &["invalid --kind `Result`", "prelude"],
    ),
    run(
        "Box kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Box"),
        &["invalid --kind `Box`"],
    ),
    run(
        "Vec kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Vec"),
        &["invalid --kind `Vec`"],
    ),
    run(
        "String kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "String"),
        &["invalid --kind `String`"],
    ),
    run(
        "Context kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Context"),
        &["invalid --kind `Context`", "scaffolded code"],
    ),
    run(
        "Controller kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Controller"
        ),
        &["invalid --kind `Controller`"],
    ),
    run(
        "Api kind",
        api!("--group", "webapp", "--version", "v1", "--kind", "Api"),
        &["invalid --kind `Api`"],
    ),
    run(
        "ConfigMap kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "ConfigMap"
        ),
        &["invalid --kind `ConfigMap`"],
    ),
    run(
        "Condition kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Condition"
        ),
        &["invalid --kind `Condition`"],
    ),
    run(
        "long kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "AVeryLongKindNameThatGoesOnAndOnPastTheLimitOfSixtyCharacters"
        ),
        &["invalid --kind", "63"],
    ),
    // create api: groups
    run(
        "uppercase group",
        api!("--group", "WebApp", "--version", "v1", "--kind", "Book"),
        &["invalid --group `WebApp`"],
    ),
    run(
        "underscore group",
        api!("--group", "web_app", "--version", "v1", "--kind", "Book"),
        &["invalid --group `web_app`"],
    ),
    run(
        "keyword group",
        api!("--group", "crate", "--version", "v1", "--kind", "Book"),
        &["invalid --group `crate`", "keyword"],
    ),
    run(
        "self group",
        api!("--group", "self", "--version", "v1", "--kind", "Book"),
        &["invalid --group `self`"],
    ),
    run(
        "long group",
        api!(
            "--group",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "--version",
            "v1",
            "--kind",
            "Book"
        ),
        &["invalid --group", "63"],
    ),
    run(
        "empty group",
        api!("--group", "", "--version", "v1", "--kind", "Book"),
        &["invalid --group"],
    ),
    // create api: versions
    run(
        "bare number version",
        api!("--group", "webapp", "--version", "1", "--kind", "Book"),
        &["invalid --version `1`"],
    ),
    run(
        "v0 version",
        api!("--group", "webapp", "--version", "v0", "--kind", "Book"),
        &["invalid --version `v0`"],
    ),
    run(
        "uppercase version",
        api!("--group", "webapp", "--version", "V1", "--kind", "Book"),
        &["invalid --version `V1`"],
    ),
    run(
        "alpha without number",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1alpha",
            "--kind",
            "Book"
        ),
        &["invalid --version `v1alpha`"],
    ),
    run(
        "dashed version",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1-beta1",
            "--kind",
            "Book"
        ),
        &["invalid --version `v1-beta1`"],
    ),
    run(
        "dotted version",
        api!("--group", "webapp", "--version", "v1.0", "--kind", "Book"),
        &["invalid --version `v1.0`"],
    ),
    // create api: plurals
    run(
        "uppercase plural",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Book",
            "--plural",
            "Books"
        ),
        &["invalid --plural `Books`"],
    ),
    run(
        "underscore plural",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Book",
            "--plural",
            "my_books"
        ),
        &["invalid --plural `my_books`"],
    ),
    run(
        "digit plural",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Book",
            "--plural",
            "1books"
        ),
        &["invalid --plural `1books`"],
    ),
    // create api: collisions with existing kinds and versions
    run(
        "same kind again",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Guestbook"
        ),
        &["already exists"],
    ),
    run(
        "list kind of an existing kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "GuestbookList"
        ),
        &["GuestbookList", "list kind of Guestbook"],
    ),
    run(
        "plural of an existing kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Visitor",
            "--plural",
            "guestbooks"
        ),
        &["plural `guestbooks`"],
    ),
    run(
        "other scope for a second version",
        api!(
            "--group",
            "webapp",
            "--version",
            "v2",
            "--kind",
            "Guestbook",
            "--controller=false",
            "--namespaced=false"
        ),
        &["same scope"],
    ),
    run(
        "other plural for a second version",
        api!(
            "--group",
            "webapp",
            "--version",
            "v2",
            "--kind",
            "Guestbook",
            "--controller=false",
            "--plural",
            "gbs"
        ),
        &["plural `guestbooks`"],
    ),
    run(
        "second reconciler of a kind",
        api!(
            "--group",
            "webapp",
            "--version",
            "v2",
            "--kind",
            "Guestbook"
        ),
        &["already has a reconciler", "--controller=false"],
    ),
    run(
        "reconciler for a missing type",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Book",
            "--resource=false"
        ),
        &["--resource=false", "create the type too"],
    ),
    run(
        "nothing to scaffold",
        api!(
            "--group",
            "webapp",
            "--version",
            "v1",
            "--kind",
            "Book",
            "--resource=false",
            "--controller=false"
        ),
        &["scaffold nothing"],
    ),
    // a hand-edited project file
    broken(
        "project file with a bad kind",
        |p| {
            edit(
                &p.join("operator.toml"),
                "kind = \"Guestbook\"",
                "kind = \"guest book\"",
            )
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["operator.toml", "invalid kind `guest book`"],
    ),
    broken(
        "project file with an unknown key",
        |p| {
            edit(
                &p.join("operator.toml"),
                "domain =",
                "colour = \"red\"\ndomain =",
            )
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["operator.toml", "colour"],
    ),
    broken(
        "project file of another layout",
        |p| {
            edit(
                &p.join("operator.toml"),
                "cargo-operator.rs/v1",
                "go.kubebuilder.io/v4",
            )
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["layout `go.kubebuilder.io/v4`"],
    ),
    broken(
        "project file with a bad domain",
        |p| {
            edit(
                &p.join("operator.toml"),
                "domain = \"example.com\"",
                "domain = \"Example.COM\"",
            )
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["operator.toml", "invalid domain `Example.COM`"],
    ),
    broken(
        "project file not TOML",
        |p| edit(&p.join("operator.toml"), "domain =", "domain = = ="),
        &["manifests", "--dry-run"],
        &["operator.toml", "not a valid project file"],
    ),
    broken(
        "project file with a duplicate resource",
        |p| {
            let path = p.join("operator.toml");
            let text = std::fs::read_to_string(&path).unwrap();
            let resource = &text[text.find("[[resource]]").unwrap()..];
            std::fs::write(&path, format!("{text}\n{resource}")).unwrap();
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["listed twice"],
    ),
    // scaffold markers and files that are gone
    broken(
        "main without its marker",
        |p| {
            edit(
                &p.join("src/main.rs"),
                "// +cargo-operator:scaffold:controllers",
                "// (marker removed)",
            )
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["src/main.rs", "+cargo-operator:scaffold:controllers"],
    ),
    broken(
        "lib without its marker",
        |p| {
            edit(
                &p.join("api/src/lib.rs"),
                "// +cargo-operator:scaffold:groups",
                "",
            )
        },
        api!("--group", "shop", "--version", "v1", "--kind", "Book"),
        &["api/src/lib.rs", "+cargo-operator:scaffold:groups"],
    ),
    broken(
        "kustomization without its marker",
        |p| {
            edit(
                &p.join("config/rbac/kustomization.yaml"),
                "# +cargo-operator:scaffold:rbac-kinds",
                "",
            )
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["config/rbac/kustomization.yaml", "rbac-kinds"],
    ),
    broken(
        "controller tests deleted",
        |p| std::fs::remove_file(p.join("tests/controller.rs")).unwrap(),
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["tests/controller.rs", "does not exist"],
    ),
    broken(
        "user-edited file in the way",
        |p| {
            std::fs::create_dir_all(p.join("src/controller")).unwrap();
            std::fs::write(p.join("src/controller/book.rs"), "// mine\n").unwrap();
        },
        api!("--group", "webapp", "--version", "v1", "--kind", "Book"),
        &["src/controller/book.rs", "--force"],
    ),
];

fn base_project(dir: &Path) -> PathBuf {
    run_ok(cargo_operator(dir).args(["init", "--domain", "example.com", "project"]));
    let project = dir.join("project");
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
    project
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn every_bad_input_is_refused_with_one_clear_line_and_changes_nothing() {
    assert!(CASES.len() >= 60, "only {} cases", CASES.len());
    let template = tempfile::tempdir().unwrap();
    let base = base_project(template.path());
    let mut failures = Vec::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        copy_tree(&base, &project);
        (case.prepare)(&project);
        let before = snapshot_tree(dir.path());
        let cwd = if case.in_parent { dir.path() } else { &project };
        let output = cargo_operator(cwd).args(case.args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let mut problems = Vec::new();
        if output.status.code() != Some(1) {
            problems.push(format!("exit status {:?}, not 1", output.status.code()));
        }
        let errors = stderr.matches("error:").count();
        if errors != 1 || !stderr.starts_with("error: ") {
            problems.push(format!("{errors} `error:` lines (one expected, first)"));
        }
        for part in case.says {
            if !stderr.contains(part) {
                problems.push(format!("does not say `{part}`"));
            }
        }
        if snapshot_tree(dir.path()) != before {
            problems.push("the tree changed".into());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  stderr: {}",
                case.name,
                problems.join("; "),
                stderr.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
