//! `cargo operator manifests` validates before it writes: a broken API type or a bad `#[rbac]`
//! fails with a clear message, and the manifests already on disk stay as they were.

mod support;

use support::*;

#[test]
fn broken_inputs_fail_and_leave_the_manifests_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo");
    guestbook_project(&project, &[]);
    run_ok(cargo_operator(&project).arg("manifests"));
    let before = snapshot_tree(&project.join("config"));

    // `--check` passes on what `manifests` wrote, and fails with the diff after an API edit.
    let stdout = run_ok(cargo_operator(&project).args(["manifests", "--check"]));
    assert!(stdout.contains("up to date"), "{stdout}");
    let types = project.join("api/src/webapp/v1/guestbook.rs");
    let original = std::fs::read_to_string(&types).unwrap();
    std::fs::write(
        &types,
        original.replace(
            "pub replicas: Option<i32>,",
            "pub replicas: Option<i32>,\n    pub motto: Option<String>,",
        ),
    )
    .unwrap();
    let output = cargo_operator(&project)
        .args(["manifests", "--check"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.contains("+++ b/config/crd/bases/webapp.example.com_guestbooks.yaml"),
        "{stdout}"
    );
    assert!(stdout.contains("+              motto:"), "{stdout}");
    assert!(
        stderr.contains("run `cargo operator manifests`"),
        "{stderr}"
    );
    assert!(
        before == snapshot_tree(&project.join("config")),
        "--check wrote"
    );
    std::fs::write(&types, &original).unwrap();

    // A field type no CRD schema can express: the derive refuses it at compile time.
    let broken = original.replace(
        "pub replicas: Option<i32>,",
        "pub replicas: Option<i32>,\n    pub pair: (i32, i32),",
    );
    assert_ne!(broken, original, "the template changed: update this test");
    std::fs::write(&types, broken).unwrap();
    let stderr = run_err(cargo_operator(&project).arg("manifests"));
    assert!(stderr.contains("the project does not build"), "{stderr}");
    assert!(
        stderr.contains("tuple"),
        "the derive's error is shown: {stderr}"
    );
    assert!(
        before == snapshot_tree(&project.join("config")),
        "manifests changed files"
    );
    std::fs::write(&types, original).unwrap();

    // A malformed #[rbac]: a compile error at its file and line, nothing written.
    let controller = project.join("src/controller/guestbook.rs");
    let original = std::fs::read_to_string(&controller).unwrap();
    std::fs::write(
        &controller,
        original.replacen("#[rbac(groups", "#[rbac(group", 1),
    )
    .unwrap();
    let stderr = run_err(cargo_operator(&project).arg("manifests"));
    assert!(
        stderr.contains("guestbook.rs") && stderr.contains("unknown key `group` in #[rbac(...)]"),
        "{stderr}"
    );
    assert!(
        before == snapshot_tree(&project.join("config")),
        "manifests changed files"
    );
}

/// The fast route stands in for `crdgen` only after it printed what `crdgen` printed on the
/// build that recorded the operator's answer: a `crdgen` that prints something else keeps
/// every later API edit on the compiled route.
#[test]
fn the_fast_route_is_trusted_only_after_it_agreed_with_crdgen() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("trust");
    guestbook_project(&project, &[]);
    let crdgen = project.join("api/examples/crdgen.rs");
    let text = std::fs::read_to_string(&crdgen).unwrap();
    let labelled = text.replacen(
        "let crds = ",
        "let mut crds = ",
        1,
    ).replacen(
        "    println!(",
        "    for crd in &mut crds {\n        crd.metadata.labels = Some([(\"printed-by\".to_string(), \"crdgen\".to_string())].into());\n    }\n    println!(",
        1,
    );
    assert!(
        labelled.contains("printed-by"),
        "the crdgen template changed: update this test"
    );
    std::fs::write(&crdgen, labelled).unwrap();
    let crd_file = project.join("config/crd/bases/webapp.example.com_guestbooks.yaml");
    run_ok(cargo_operator(&project).arg("manifests"));
    let types = project.join("api/src/webapp/v1/guestbook.rs");
    let text = std::fs::read_to_string(&types).unwrap();
    std::fs::write(
        &types,
        text.replacen(
            "    /// An example field",
            "    /// Edited. An example field",
            1,
        ),
    )
    .unwrap();
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(stdout.contains("not relinked"), "{stdout}");
    assert!(
        !stdout.contains("read from the API types' source"),
        "{stdout}"
    );
    let crd = std::fs::read_to_string(&crd_file).unwrap();
    assert!(
        crd.contains("printed-by: crdgen") && crd.contains("Edited."),
        "{crd}"
    );
}

/// A CRD that embeds a `PodTemplateSpec` carries Kubernetes' validation (list-map keys,
/// defaults) and its documentation: too big for client-side `kubectl apply`, which
/// `manifests` says with the fixes; server-side apply (the Makefile's) installs it;
/// `--max-description-len` and the project file cut it down.
#[test]
fn a_crd_that_embeds_a_pod_template_is_reported_installed_and_cut() {
    let dir = tempfile::tempdir().unwrap();
    // Its own package name: tests of this file build in one target directory at once.
    let project = dir.path().join("bigcrd");
    guestbook_project(&project, &[]);
    let types = project.join("api/src/webapp/v1/guestbook.rs");
    let original = std::fs::read_to_string(&types).unwrap();
    let embedding = original.replace(
        "pub replicas: Option<i32>,",
        "pub replicas: Option<i32>,\n    /// The pods to run.\n    pub template: Option<k8s_openapi::api::core::v1::PodTemplateSpec>,",
    );
    assert_ne!(
        embedding, original,
        "the template changed: update this test"
    );
    std::fs::write(&types, embedding).unwrap();
    let crd_file = project.join("config/crd/bases/webapp.example.com_guestbooks.yaml");

    let output = cargo_operator(&project).arg("manifests").output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("over the 256 KiB") && stderr.contains("--max-description-len 0"),
        "{stderr}"
    );
    assert!(
        stdout.contains("webapp.example.com_guestbooks.yaml: "),
        "{stdout}"
    );
    let full = std::fs::read_to_string(&crd_file).unwrap();
    assert!(full.len() > 256 * 1024, "{} bytes", full.len());
    // Kubernetes' own rules came along: containers keyed by name, a port's protocol default.
    assert!(full.contains("- containerPort\n") && full.contains("default: TCP"));

    // `make install` applies server-side, which keeps no copy in an annotation.
    if let Some(env) = cargo_operator_runtime::envtest::EnvironmentBuilder::new().start_or_skip() {
        run_ok(
            support::envtest::kubectl(env.assets_dir())
                .arg("--kubeconfig")
                .arg(env.kubeconfig())
                .args(["apply", "--server-side", "--force-conflicts", "-f"])
                .arg(&crd_file),
        );
        let stderr = run_err(
            support::envtest::kubectl(env.assets_dir())
                .arg("--kubeconfig")
                .arg(env.kubeconfig())
                .args(["apply", "-f"])
                .arg(&crd_file),
        );
        assert!(stderr.contains("Too long"), "{stderr}");
    }

    let output = cargo_operator(&project)
        .args(["manifests", "--max-description-len", "0"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(!String::from_utf8_lossy(&output.stderr).contains("warning"));
    let bare = std::fs::read_to_string(&crd_file).unwrap();
    assert!(!bare.contains("description:"), "descriptions left");
    eprintln!(
        "CRD with a PodTemplateSpec: {} bytes, {} with --max-description-len 0",
        full.len(),
        bare.len()
    );

    let model = project.join("operator.toml");
    let text = std::fs::read_to_string(&model).unwrap();
    let text = text.replacen(
        "[[resource]]",
        "[manifests]\nmax-description-len = 40\n\n[[resource]]",
        1,
    );
    std::fs::write(&model, text).unwrap();
    run_ok(cargo_operator(&project).arg("manifests"));
    let cut = std::fs::read_to_string(&crd_file).unwrap();
    let longest = support::envtest::yaml_documents(&cut)
        .iter()
        .flat_map(descriptions)
        .map(|d| d.len())
        .max()
        .unwrap();
    assert!(
        (1..=43).contains(&longest),
        "longest description: {longest} bytes"
    );
}

/// Every `description` value in a JSON tree.
fn descriptions(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, child)| match (key.as_str(), child) {
                ("description", serde_json::Value::String(text)) => vec![text.clone()],
                _ => descriptions(child),
            })
            .collect(),
        serde_json::Value::Array(items) => items.iter().flat_map(descriptions).collect(),
        _ => Vec::new(),
    }
}

/// The golden project's checked-in manifests are what its code generates (as its CI checks).
#[test]
fn the_golden_project_passes_manifests_check() {
    let stdout = run_ok(
        cargo_operator(&repo_root().join("testdata/project")).args(["manifests", "--check"]),
    );
    assert!(stdout.contains("up to date"), "{stdout}");
}

/// After an edit of the API types alone, the operator's `#[rbac]` rules and `#[webhook]`s
/// are the recorded ones (the operator is not relinked) and the CRDs are read from source
/// (nothing is compiled) unless the fast route refuses the types; an edit of the operator, or
/// rules registered in the api crate itself, make `manifests` build and ask the operator
/// again.
#[test]
fn an_api_edit_reuses_the_operators_rules_until_its_code_changes() {
    const REUSED: &str = "the operator's code is unchanged (not relinked)";
    const FROM_SOURCE: &str = "CRDs: read from the API types' source (nothing compiled)";
    let dir = tempfile::tempdir().unwrap();
    // Its own package name: the tests of this file build in one target directory at once,
    // and a binary of another test's package of the same name would be asked instead.
    let project = dir.path().join("reuse");
    guestbook_project(&project, &[]);
    let role = || std::fs::read_to_string(project.join("config/rbac/role.yaml")).unwrap();
    let crd = || {
        std::fs::read_to_string(project.join("config/crd/bases/webapp.example.com_guestbooks.yaml"))
            .unwrap()
    };
    let edit = |path: &str, from: &str, to: &str| {
        let path = project.join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{} has no `{from}`", path.display());
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(
        !stdout.contains(REUSED),
        "nothing was recorded yet:\n{stdout}"
    );
    let first_role = role();

    // An API edit: the CRD changes, the rules are the recorded ones.
    edit(
        "api/src/webapp/v1/guestbook.rs",
        "    /// An example field",
        "    /// The first edit. An example field",
    );
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(stdout.contains(REUSED), "{stdout}");
    assert!(stdout.contains(FROM_SOURCE), "{stdout}");
    assert!(crd().contains("The first edit."), "{}", crd());
    assert_eq!(role(), first_role);

    // A type the fast route does not know: `crdgen` is compiled, and says what the type is.
    edit(
        "api/src/webapp/v1/guestbook.rs",
        "    pub replicas: Option<i32>,",
        "    pub replicas: Option<i32>,\n    /// A limit.\n    #[serde(default)]\n    pub limit: Option<std::num::NonZeroU32>,",
    );
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(stdout.contains(REUSED), "{stdout}");
    assert!(!stdout.contains(FROM_SOURCE), "{stdout}");
    assert!(
        stdout.contains("CRDs: compiling the api crate (") && stdout.contains("NonZeroU32"),
        "{stdout}"
    );
    assert!(crd().contains("A limit."), "{}", crd());

    // A new rule in the operator: built and asked again. The CRD is the same: `crdgen` built
    // beside the operator (its dependencies resolved with the operator's features) and alone.
    let reused_crd = crd();
    edit(
        "src/controller/guestbook.rs",
        "pub async fn reconcile(",
        "#[rbac(groups = [\"\"], resources = [\"secrets\"], verbs = [\"get\"])]\npub async fn reconcile(",
    );
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(!stdout.contains(REUSED), "{stdout}");
    assert!(role().contains("secrets"), "{}", role());
    assert_eq!(crd(), reused_crd);

    // A rule registered by the api crate: never recorded, always asked.
    edit(
        "api/src/lib.rs",
        "pub mod webapp;",
        "pub mod webapp;\n\n#[cargo_operator_runtime::rbac(groups = [\"\"], resources = [\"pods\"], verbs = [\"list\"])]\npub fn api_rule() {}",
    );
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(!stdout.contains(REUSED), "{stdout}");
    assert!(role().contains("pods"), "{}", role());
    edit(
        "api/src/webapp/v1/guestbook.rs",
        "The first edit.",
        "The second edit.",
    );
    let stdout = run_ok(cargo_operator(&project).arg("manifests"));
    assert!(!stdout.contains(REUSED), "{stdout}");
    assert!(crd().contains("The second edit."), "{}", crd());
    assert!(
        role().contains("pods") && role().contains("secrets"),
        "{}",
        role()
    );
}
