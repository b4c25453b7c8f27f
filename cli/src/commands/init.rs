//! `cargo operator init`: write a new operator project.

use crate::names;
use crate::project::{LAYOUT, PROJECT_FILE, Project};
use crate::scaffold::{Existing, Plan, templates};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use heck::ToSnakeCase;
use std::path::{Path, PathBuf};

/// The Kubernetes version generated projects target: k8s-openapi's feature and the envtest
/// control plane of `make test` must agree on it.
pub const K8S_OPENAPI_FEATURE: &str = "v1_35";
pub const ENVTEST_VERSION: &str = "1.35.4";

/// Every file `init` writes: (template below templates/init, path in the project).
/// The project file and config/rbac/role.yaml are listed too: later commands regenerate them.
const FILES: &[&str] = &[
    "Cargo.toml",
    "Makefile",
    "Dockerfile",
    ".dockerignore",
    ".gitignore",
    "README.md",
    "api/Cargo.toml",
    "api/src/lib.rs",
    "api/examples/crdgen.rs",
    "src/main.rs",
    "src/lib.rs",
    "src/controller/mod.rs",
    "tests/controller.rs",
    "tests/e2e.rs",
    "config/default/kustomization.yaml",
    "config/default/metrics_service.yaml",
    "config/manager/kustomization.yaml",
    "config/manager/manager.yaml",
    "config/rbac/kustomization.yaml",
    "config/rbac/role.yaml",
    "config/rbac/service_account.yaml",
    "config/rbac/role_binding.yaml",
    "config/rbac/leader_election_role.yaml",
    "config/rbac/leader_election_role_binding.yaml",
    "config/rbac/metrics_reader_role.yaml",
    "config/rbac/metrics_auth_role.yaml",
    "config/rbac/metrics_auth_role_binding.yaml",
    "config/crd/kustomization.yaml",
    "config/samples/kustomization.yaml",
    "config/prometheus/kustomization.yaml",
    "config/prometheus/monitor.yaml",
    "config/network-policy/kustomization.yaml",
    "config/network-policy/allow-metrics-traffic.yaml",
    "hack/kind-config.yaml",
    ".github/workflows/lint.yml",
    ".github/workflows/test.yml",
    ".github/workflows/test-e2e.yml",
];

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator init --domain example.com --owner \"Example Inc\" guestbook-operator
  cargo operator init --domain example.com                # in the current, empty directory
  cargo operator init --runtime-path ../cargo-operator demo   # use an unpublished runtime")]
pub struct InitArgs {
    /// Directory to create the project in (created if missing; default: the current one)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Domain of every API group: `create api --group webapp` makes `webapp.<domain>`
    #[arg(long, default_value = "my.domain")]
    pub domain: String,
    /// Owner, written into Cargo.toml `authors`
    #[arg(long)]
    pub owner: Option<String>,
    /// Project name (cargo package, binary, image, object prefix); default: the directory name
    #[arg(long)]
    pub project_name: Option<String>,
    /// Depend on cargo-operator-runtime by path (a checkout of cargo-operator, relative to DIR
    /// or absolute) instead of by crates.io version
    #[arg(long, value_name = "PATH")]
    pub runtime_path: Option<String>,
    /// Overwrite files that exist and differ (an existing project is never re-initialised)
    #[arg(long)]
    pub force: bool,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: InitArgs) -> Result<()> {
    let dir = absolute(&args.dir)?;
    let project_name = match &args.project_name {
        Some(name) => name.clone(),
        None => dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .context("cannot derive a project name from the directory; pass --project-name")?,
    };
    names::validate_project_name(&project_name)?;
    names::validate_domain(&args.domain)?;
    // Re-initialising would reset files that `create api` has since extended (main.rs, the
    // api crate, kustomizations), so it is refused even with --force.
    if dir.join(PROJECT_FILE).exists() {
        bail!(
            "{} already holds a cargo-operator project ({PROJECT_FILE} exists); \
             use `cargo operator create api` to add to it",
            dir.display()
        );
    }
    if let Some(path) = &args.runtime_path {
        // Lexically normalised: DIR may not exist yet, so `DIR/../..` cannot be resolved on disk.
        let manifest = absolute(&dir.join(path))?.join("runtime/Cargo.toml");
        if !manifest.is_file() {
            bail!(
                "--runtime-path {path}: {} does not exist; pass the root of a cargo-operator \
                 checkout (relative to {} or absolute)",
                manifest.display(),
                dir.display()
            );
        }
    }

    let project = Project {
        layout: LAYOUT.into(),
        project_name,
        domain: args.domain,
        owner: args.owner,
        runtime_path: args.runtime_path,
        resources: vec![],
    };
    let context = context(&project);
    let mut plan = Plan::new(&dir);
    for file in FILES {
        let content = templates::render(&format!("init/{file}"), &context)?;
        let existing = if *file == "config/rbac/role.yaml" {
            Existing::Regenerate
        } else {
            Existing::Keep
        };
        plan.create(*file, content, existing);
    }
    plan.create(PROJECT_FILE, project.to_toml(), Existing::Regenerate);
    let report = plan.apply(args.force, args.dry_run)?;
    report.print(args.dry_run);
    if !args.dry_run {
        eprintln!(
            "\nNext: cd {} && cargo operator create api --group <group> --version v1 --kind <Kind>",
            args.dir.display()
        );
    }
    Ok(())
}

/// Template variables every template of the project may use.
pub fn context(project: &Project) -> tera::Context {
    let mut context = tera::Context::new();
    context.insert("project_name", &project.project_name);
    context.insert("domain", &project.domain);
    context.insert("owner", &project.owner);
    context.insert("project_crate", &project.project_name.to_snake_case());
    context.insert(
        "api_crate",
        &format!("{}_api", project.project_name.to_snake_case()),
    );
    context.insert("k8s_openapi_feature", K8S_OPENAPI_FEATURE);
    context.insert("envtest_version", ENVTEST_VERSION);
    let (runtime_dep, api_runtime_dep) = runtime_dependency(project.runtime_path.as_deref());
    context.insert("runtime_dep", &runtime_dep);
    context.insert("api_runtime_dep", &api_runtime_dep);
    context
}

/// The dependency spec of cargo-operator-runtime, for the root package and for `api/`.
fn runtime_dependency(runtime_path: Option<&str>) -> (String, String) {
    match runtime_path {
        None => {
            let version = format!("version = \"{}\"", env!("CARGO_PKG_VERSION"));
            (version.clone(), version)
        }
        Some(path) => {
            let root = Path::new(path).join("runtime");
            let api = if root.is_absolute() {
                root.clone()
            } else {
                Path::new("..").join(&root)
            };
            // Cargo.toml paths always use `/`, whatever the platform.
            let spec = |p: &Path| format!("path = \"{}\"", p.to_string_lossy().replace('\\', "/"));
            (spec(&root), spec(&api))
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let joined = cwd.join(path);
    // Normalise `.` and `..` without requiring the directory to exist yet.
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    Ok(out)
}
