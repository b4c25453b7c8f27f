//! `cargo operator init`: a new operator project.

use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};

use crate::fs::Disk;
use crate::names;
use crate::project::{LAYOUT, PROJECT_FILE, Project};
use crate::scaffold::builder::Generated;
use crate::scaffold::vars::ProjectVars;
use crate::scaffold::{Plan, init};

/// Entries a directory may already hold for `init` to write into it without `--force`.
const ALLOWED_IN_TARGET: &[&str] = &[".git", ".idea", ".vscode", "LICENSE", "LICENSE.txt"];

#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The project's directory (created if missing).
    pub dir: PathBuf,
    pub domain: String,
    pub owner: Option<String>,
    /// Default: the directory's name.
    pub project_name: Option<String>,
    /// A cargo-operator checkout whose runtime the project depends on by path.
    pub runtime_path: Option<String>,
    pub force: bool,
    pub dry_run: bool,
}

pub fn init(options: &InitOptions) -> Result<()> {
    let dir = absolute(&options.dir)?;
    let project_name = match &options.project_name {
        Some(name) => name.clone(),
        None => dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .context("cannot derive a project name from the directory; pass --project-name")?,
    };
    names::validate_project_name(&project_name)?;
    names::validate_domain("--domain", &options.domain)?;
    // Re-initialising would reset files that `create api` has since extended (main.rs, the
    // api crate, kustomizations), so it is refused even with --force.
    if dir.join(PROJECT_FILE).exists() {
        bail!(
            "{} already holds a cargo-operator project ({PROJECT_FILE} exists); \
             use `cargo operator create api` to add to it",
            dir.display()
        );
    }
    check_target_dir(&dir, options.force)?;
    if let Some(path) = &options.runtime_path {
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
        domain: options.domain.clone(),
        owner: options.owner.clone(),
        runtime_path: options.runtime_path.clone(),
        manifests: Default::default(),
        resources: vec![],
    };
    let vars = ProjectVars::new(&project);
    let mut plan = Plan::new();
    for file in init::files(&vars) {
        plan.file(&file)?;
    }
    plan.file(&Generated {
        path: PROJECT_FILE.into(),
        content: project.to_toml(),
    })?;
    super::write(plan, &mut Disk::new(&dir), options.force, options.dry_run)?;
    if !options.dry_run {
        eprintln!(
            "\nNext: cd {} && cargo operator create api --group <group> --version v1 --kind <Kind>",
            options.dir.display()
        );
    }
    Ok(())
}

/// A project goes into an empty (or missing) directory: files there would be mixed with the
/// project's. `--force` allows it (files that would be overwritten are then replaced).
fn check_target_dir(dir: &Path, force: bool) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let mut others: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !ALLOWED_IN_TARGET.contains(&name.as_str()))
        .collect();
    others.sort();
    if !others.is_empty() && !force {
        bail!(
            "{} is not empty ({}); init a project in an empty directory, or pass --force to write into it",
            dir.display(),
            others.join(", ")
        );
    }
    Ok(())
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
