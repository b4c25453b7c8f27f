//! The CLI's promises that need no compiler run: validate first, write second; never lose a
//! user's edit; `--dry-run` writes nothing; clear errors naming what to do.

mod support;

use std::path::{Path, PathBuf};
use support::*;

fn init(parent: &Path, name: &str) -> PathBuf {
    run_ok(cargo_operator(parent).args(["init", "--domain", "example.com", name]));
    parent.join(name)
}

fn create_api(project: &Path, group: &str, version: &str, kind: &str) -> std::process::Command {
    let mut command = cargo_operator(project);
    command.args([
        "create",
        "api",
        "--group",
        group,
        "--version",
        version,
        "--kind",
        kind,
    ]);
    command
}

#[test]
fn both_cargo_subcommand_and_direct_invocation_work() {
    let dir = tempfile::tempdir().unwrap();
    let help = run_ok(cargo_operator(dir.path()).args(["operator", "--help"]));
    assert!(
        help.contains("create") && help.contains("manifests") && help.contains("envtest"),
        "{help}"
    );
    let help = run_ok(cargo_operator(dir.path()).args(["create", "api", "--help"]));
    assert!(
        help.contains("Examples:") && help.contains("--namespaced"),
        "{help}"
    );
}

#[test]
fn init_then_create_api_is_recorded_in_the_project_file() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo-operator");
    run_ok(&mut create_api(&project, "webapp", "v1", "Guestbook"));
    let model = std::fs::read_to_string(project.join("operator.toml")).unwrap();
    assert!(
        model.contains("project-name = \"demo-operator\""),
        "{model}"
    );
    assert!(
        model.contains("kind = \"Guestbook\"") && model.contains("plural = \"guestbooks\""),
        "{model}"
    );
    let main = std::fs::read_to_string(project.join("src/main.rs")).unwrap();
    assert!(
        main.contains(
            "manager.add_controller(demo_operator::controller::guestbook::controller());"
        ),
        "{main}"
    );
    // Without --runtime-path the project depends on the published runtime.
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!(
            "cargo-operator-runtime = {{ version = \"{}\" }}",
            env!("CARGO_PKG_VERSION")
        )),
        "{manifest}"
    );
}

#[test]
fn dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_ok(
        cargo_operator(dir.path())
            .args(["init", "--domain", "example.com", "--dry-run", "demo"])
            .stderr(std::process::Stdio::piped()),
    );
    assert!(output.is_empty());
    assert!(
        !dir.path().join("demo").exists(),
        "--dry-run created the project"
    );
    let project = init(dir.path(), "demo");
    let before = snapshot_tree(&project);
    let mut command = create_api(&project, "webapp", "v1", "Guestbook");
    let stderr = String::from_utf8(command.arg("--dry-run").output().unwrap().stderr).unwrap();
    assert!(
        stderr.contains("would create") && stderr.contains("src/controller/guestbook.rs"),
        "{stderr}"
    );
    assert!(
        before == snapshot_tree(&project),
        "--dry-run changed the project"
    );
}

#[test]
fn invalid_names_fail_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let stderr =
        run_err(cargo_operator(dir.path()).args(["init", "--domain", "Example..com", "demo"]));
    assert!(stderr.contains("invalid --domain"), "{stderr}");
    assert!(!dir.path().join("demo").exists());
    let stderr = run_err(cargo_operator(dir.path()).args(["init", "Demo_Operator"]));
    assert!(
        stderr.contains("invalid project name") && stderr.contains("demo-operator"),
        "{stderr}"
    );

    let project = init(dir.path(), "demo");
    let before = snapshot_tree(&project);
    for (group, version, kind, expected) in [
        ("webapp", "v1", "guestbook", "invalid --kind"),
        ("webapp", "1", "Guestbook", "invalid --version"),
        ("Web_App", "v1", "Guestbook", "invalid --group"),
    ] {
        let stderr = run_err(&mut create_api(&project, group, version, kind));
        assert!(
            stderr.contains(expected),
            "{group} {version} {kind}: {stderr}"
        );
    }
    assert!(before == snapshot_tree(&project));
}

#[test]
fn init_refuses_an_existing_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    let stderr = run_err(cargo_operator(dir.path()).args([
        "init",
        "--domain",
        "example.com",
        "--force",
        "demo",
    ]));
    assert!(
        stderr.contains("already holds a cargo-operator project"),
        "{stderr}"
    );
    assert!(project.join("operator.toml").exists());
}

#[test]
fn a_user_edit_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    // The user wrote their own file where the scaffold would put the reconciler.
    std::fs::write(project.join("src/controller/guestbook.rs"), "// mine\n").unwrap();
    let before = snapshot_tree(&project);
    let stderr = run_err(&mut create_api(&project, "webapp", "v1", "Guestbook"));
    assert!(
        stderr.contains("src/controller/guestbook.rs") && stderr.contains("--force"),
        "{stderr}"
    );
    assert!(
        before == snapshot_tree(&project),
        "a refused command changed files"
    );
    run_ok(create_api(&project, "webapp", "v1", "Guestbook").arg("--force"));
    let controller = std::fs::read_to_string(project.join("src/controller/guestbook.rs")).unwrap();
    assert!(controller.contains("pub async fn reconcile"));
}

#[test]
fn a_missing_marker_is_an_error_naming_it_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    let main = project.join("src/main.rs");
    let edited = std::fs::read_to_string(&main)
        .unwrap()
        .replace("// +cargo-operator:scaffold:controllers\n", "");
    std::fs::write(&main, edited).unwrap();
    let before = snapshot_tree(&project);
    let stderr = run_err(&mut create_api(&project, "webapp", "v1", "Guestbook"));
    assert!(
        stderr.contains("src/main.rs") && stderr.contains("+cargo-operator:scaffold:controllers"),
        "{stderr}"
    );
    assert!(
        before == snapshot_tree(&project),
        "files were written despite the error"
    );
}

#[test]
fn a_second_version_is_served_not_stored_and_needs_no_second_controller() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    run_ok(&mut create_api(&project, "webapp", "v1", "Guestbook"));
    let stderr = run_err(&mut create_api(&project, "webapp", "v2", "Guestbook"));
    assert!(stderr.contains("--controller=false"), "{stderr}");
    let stderr = run_err(
        create_api(&project, "webapp", "v2", "Guestbook")
            .args(["--controller=false", "--namespaced=false"]),
    );
    assert!(stderr.contains("same scope"), "{stderr}");
    run_ok(create_api(&project, "webapp", "v2", "Guestbook").arg("--controller=false"));
    let v2 = std::fs::read_to_string(project.join("api/src/webapp/v2/guestbook.rs")).unwrap();
    assert!(v2.contains("storage = false"), "{v2}");
    let group = std::fs::read_to_string(project.join("api/src/webapp/mod.rs")).unwrap();
    assert!(group.contains("pub mod v1;\npub mod v2;"), "{group}");
    // The kustomize entry comes with the (merged) CRD file, from `manifests`.
    let crd_kustomization =
        std::fs::read_to_string(project.join("config/crd/kustomization.yaml")).unwrap();
    assert!(
        !crd_kustomization.contains("webapp.example.com_guestbooks.yaml"),
        "{crd_kustomization}"
    );
}

#[test]
fn commands_outside_a_project_say_how_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = run_err(cargo_operator(dir.path()).arg("manifests"));
    assert!(
        stderr.contains("operator.toml") && stderr.contains("cargo operator init"),
        "{stderr}"
    );
}

#[test]
fn a_reconciler_can_be_added_later_for_an_existing_api_type() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    let stderr = run_err(create_api(&project, "webapp", "v1", "Guestbook").arg("--resource=false"));
    assert!(stderr.contains("no webapp/v1 Guestbook"), "{stderr}");
    run_ok(create_api(&project, "webapp", "v1", "Guestbook").arg("--controller=false"));
    run_ok(&mut create_api(&project, "infra", "v1", "Policy"));
    assert!(!project.join("src/controller/guestbook.rs").exists());
    run_ok(create_api(&project, "webapp", "v1", "Guestbook").arg("--resource=false"));
    assert!(project.join("src/controller/guestbook.rs").exists());
    let model = std::fs::read_to_string(project.join("operator.toml")).unwrap();
    assert_eq!(model.matches("[[resource]]").count(), 2, "{model}");
    // The Guestbook entry kept its place (first) and now records its reconciler.
    let guestbook = model.find("kind = \"Guestbook\"").unwrap();
    assert!(
        guestbook < model.find("kind = \"Policy\"").unwrap(),
        "{model}"
    );
    assert!(
        model[guestbook..].contains("api = true\ncontroller = true"),
        "{model}"
    );
    let stderr = run_err(create_api(&project, "webapp", "v1", "Guestbook").arg("--resource=false"));
    assert!(stderr.contains("already exists"), "{stderr}");
}

/// `kubectl kustomize config/default` renders right after `init` and after `create api`
/// (before any CRD exists; `manifests` adds the CRDs to the tree, which the spine test
/// renders).
#[test]
fn the_config_renders_after_init_and_after_create_api() {
    let render = |project: &std::path::Path| {
        run_ok(
            std::process::Command::new("kubectl")
                .args(["kustomize", "config/default"])
                .current_dir(project),
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    let rendered = render(&project);
    assert!(rendered.contains("kind: Deployment"), "{rendered}");
    run_ok(&mut create_api(&project, "webapp", "v1", "Guestbook"));
    let rendered = render(&project);
    assert!(
        rendered.contains("name: demo-guestbook-editor-role"),
        "{rendered}"
    );
}

/// The same kind in two groups: the later group's roles, controller module and controller
/// name carry the group (kubebuilder's multigroup names); the earlier group's files are
/// untouched, and both render.
#[test]
fn a_kind_in_two_groups_gets_its_own_files_in_each() {
    let dir = tempfile::tempdir().unwrap();
    let project = init(dir.path(), "demo");
    run_ok(&mut create_api(&project, "webapp", "v1", "Guestbook"));
    let before = snapshot_tree(&project);
    run_ok(&mut create_api(&project, "shop", "v1", "Guestbook"));
    let after = snapshot_tree(&project);
    for (path, content) in &before {
        let unchanged = after.get(path) == Some(content);
        let shared = [
            "operator.toml",
            "api/src/lib.rs",
            "src/main.rs",
            "src/controller/mod.rs",
            "tests/controller.rs",
            "config/rbac/kustomization.yaml",
            "config/samples/kustomization.yaml",
        ];
        assert!(
            unchanged || shared.contains(&path.to_str().unwrap()),
            "{} was changed",
            path.display()
        );
    }
    let read = |path: &str| std::fs::read_to_string(project.join(path)).unwrap();
    for role in ["editor", "viewer"] {
        let mine = read(&format!("config/rbac/shop_guestbook_{role}_role.yaml"));
        assert!(
            mine.contains(&format!("name: shop-guestbook-{role}-role")),
            "{mine}"
        );
        assert!(mine.contains("- shop.example.com"), "{mine}");
        let theirs = read(&format!("config/rbac/guestbook_{role}_role.yaml"));
        assert!(theirs.contains("- webapp.example.com"), "{theirs}");
    }
    let controller = read("src/controller/shop_guestbook.rs");
    assert!(controller.contains("pub const NAME: &str = \"shop_guestbook\";"));
    assert!(
        controller.contains("use api::shop::v1::Guestbook;"),
        "{controller}"
    );
    assert!(read("src/main.rs").contains("demo::controller::shop_guestbook::controller()"));
    let rendered = run_ok(
        std::process::Command::new("kubectl")
            .args(["kustomize", "config/default"])
            .current_dir(&project),
    );
    for name in [
        "demo-guestbook-editor-role",
        "demo-shop-guestbook-editor-role",
    ] {
        assert!(rendered.contains(&format!("name: {name}")), "{rendered}");
    }
}
