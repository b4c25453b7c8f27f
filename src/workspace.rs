//! The cargo side of a project, read with `cargo metadata`: which package holds the API types
//! (the one with the `crdgen` example), which one is the operator (the one whose binary links
//! the runtime), and where cargo puts what it builds. Nothing here assumes a package name.

use anyhow::{Context as _, Result, bail};
use cargo_metadata::{MetadataCommand, Package, TargetKind};
use std::path::{Path, PathBuf};

/// The runtime crate every generated operator depends on.
pub const RUNTIME_PACKAGE: &str = "cargo-operator-runtime";

/// The packages and targets `manifests` builds.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The package with the API types and the `crdgen` example, and its directory.
    pub api_package: String,
    pub api_dir: PathBuf,
    /// The operator package and its binary (the one that links the runtime's manager), and
    /// the binary's main source file.
    pub operator_package: String,
    pub operator_bin: String,
    pub operator_main: PathBuf,
    /// The operator package's library, when it has one: its crate name and root file.
    pub operator_lib: Option<(String, PathBuf)>,
    /// The operator package has a build script (which can set `cfg`s and generate code).
    pub operator_build_script: bool,
    /// cargo's target directory (`CARGO_TARGET_DIR` or the workspace's `target/`).
    pub target_dir: PathBuf,
}

/// The example of the api package that prints its CRDs.
pub const CRDGEN: &str = "crdgen";

/// Reads the workspace at `root` (without resolving dependencies, so it is quick).
pub fn layout(root: &Path) -> Result<Layout> {
    let metadata = MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .no_deps()
        .exec()
        .with_context(|| format!("cannot read the cargo workspace at {}", root.display()))?;
    let members: Vec<&Package> = metadata.workspace_packages();
    let depends_on_runtime = |p: &Package| p.dependencies.iter().any(|d| d.name == RUNTIME_PACKAGE);
    let api = members
        .iter()
        .find(|p| {
            p.targets
                .iter()
                .any(|t| t.name == CRDGEN && t.kind.contains(&TargetKind::Example))
        })
        .with_context(|| {
            format!(
                "no package of the workspace at {} has the `{CRDGEN}` example that prints the CRDs \
                 (api/examples/{CRDGEN}.rs); restore it from a fresh `cargo operator init`",
                root.display()
            )
        })?;
    let operator = members
        .iter()
        .filter(|p| p.name != api.name && depends_on_runtime(p))
        .find_map(|p| {
            p.targets
                .iter()
                .find(|t| t.kind.contains(&TargetKind::Bin))
                .map(|bin| {
                    (
                        p,
                        bin.name.clone(),
                        bin.src_path.clone().into_std_path_buf(),
                    )
                })
        });
    let Some((operator, operator_bin, operator_main)) = operator else {
        bail!(
            "no package of the workspace at {} has a binary that depends on {RUNTIME_PACKAGE}; \
             `manifests` reads the #[rbac] rules from the operator binary",
            root.display()
        );
    };
    let operator_lib = operator
        .targets
        .iter()
        .find(|t| t.kind.contains(&TargetKind::Lib))
        .map(|lib| {
            (
                lib.name.replace('-', "_"),
                lib.src_path.clone().into_std_path_buf(),
            )
        });
    let operator_build_script = operator
        .targets
        .iter()
        .any(|t| t.kind.contains(&TargetKind::CustomBuild));
    Ok(Layout {
        api_package: api.name.to_string(),
        api_dir: api
            .manifest_path
            .parent()
            .expect("a manifest is in a directory")
            .into(),
        operator_package: operator.name.to_string(),
        operator_bin,
        operator_main,
        operator_lib,
        operator_build_script,
        target_dir: metadata.target_directory.into_std_path_buf(),
    })
}

/// The versions of `packages` the project's Cargo.lock resolves to (`None`: not in the
/// graph). Offline: a version that needs resolving first is not worth a network call here.
pub fn resolved_versions(root: &Path, packages: &[&str]) -> Result<Vec<Option<String>>> {
    let metadata = MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .other_options(vec!["--offline".to_string()])
        .exec()
        .with_context(|| format!("cannot resolve the dependencies of {}", root.display()))?;
    Ok(packages
        .iter()
        .map(|name| {
            metadata
                .packages
                .iter()
                .find(|p| p.name.as_str() == *name)
                .map(|p| p.version.to_string())
        })
        .collect())
}
