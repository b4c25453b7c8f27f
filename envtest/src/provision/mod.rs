//! Providing kube-apiserver, etcd and kubectl for envtest (`cargo operator envtest use`).
//!
//! Sources, in order: `KUBEBUILDER_ASSETS` (when it holds the binaries and no version was asked
//! for), our cache or setup-envtest's store, a download from the envtest release index
//! (sha512-verified), and a build from Kubernetes' Go modules with the local Go toolchain.
//! Whatever is downloaded or built is installed into the cache atomically (prepared in a
//! sibling directory, then renamed), so a second call is instant and an interrupted one
//! leaves nothing half-written behind.

mod build;
mod download;

use crate::assets;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the binaries came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Environment,
    Cache,
    Download,
    Build,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Source::Environment => "KUBEBUILDER_ASSETS",
            Source::Cache => "cache",
            Source::Download => "download",
            Source::Build => "build from Go modules",
        })
    }
}

/// How the binaries may be obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provision {
    /// Download, and build from source when the download is not possible.
    Auto,
    /// Never download; build from Go modules.
    BuildFromSource,
    /// Never build (a failed download is an error).
    DownloadOnly,
}

#[derive(Debug, Clone)]
pub struct UseRequest {
    /// `1.35.4` (a leading `v` is accepted).
    pub version: String,
    /// The version was given on the command line, so `KUBEBUILDER_ASSETS` (whose version is
    /// unknown) is not used.
    pub explicit_version: bool,
    pub provision: Provision,
}

/// Normalizes `v1.35.4` / `1.35.4` to `1.35.4`, refusing anything but `MAJOR.MINOR.PATCH`.
pub fn normalize_version(version: &str) -> Result<String> {
    let version = version.trim().trim_start_matches('v');
    let parts: Vec<&str> = version.split('.').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        anyhow::bail!("`{version}` is not a Kubernetes version like 1.35.4 (MAJOR.MINOR.PATCH)");
    }
    Ok(version.to_string())
}

/// Finds or provides the binaries; returns the directory and where it came from.
pub fn resolve(request: &UseRequest) -> Result<(PathBuf, Source)> {
    let version = normalize_version(&request.version)?;
    if !request.explicit_version
        && let Some(dir) = assets::from_env(&assets::REQUIRED_BINARIES)
    {
        return Ok((dir, Source::Environment));
    }
    if let Some(dir) = assets::cached(&version, &assets::REQUIRED_BINARIES) {
        return Ok((dir, Source::Cache));
    }
    let target = assets::cache_dir(&version)
        .context("no cache directory: set HOME or XDG_CACHE_HOME (or KUBEBUILDER_ASSETS)")?;

    if request.provision != Provision::BuildFromSource {
        let started = Instant::now();
        match download::download(&version, &target) {
            Ok(()) => {
                eprintln!(
                    "envtest: downloaded Kubernetes {version} binaries in {:.1?}",
                    started.elapsed()
                );
                return Ok((target, Source::Download));
            }
            Err(error) if request.provision == Provision::DownloadOnly => return Err(error),
            Err(error) if download::is_integrity_error(&error) => return Err(error),
            Err(error) => {
                eprintln!("envtest: download not possible ({error:#})");
                eprintln!("envtest: building from Kubernetes' Go modules instead");
            }
        }
    }
    let started = Instant::now();
    build::build(&version, &target)?;
    eprintln!(
        "envtest: built Kubernetes {version} binaries in {:.0?}",
        started.elapsed()
    );
    Ok((target, Source::Build))
}

/// Moves a fully prepared `staging` directory to `target` in one rename. If another process
/// got there first with a complete directory, that one is kept.
pub(crate) fn install_atomically(staging: &Path, target: &Path) -> Result<()> {
    for name in assets::REQUIRED_BINARIES {
        anyhow::ensure!(
            staging.join(name).is_file(),
            "internal error: {name} missing from {}",
            staging.display()
        );
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    // A leftover incomplete target (from an older tool) would make rename fail: replace it.
    if target.exists() && !assets::holds(target, &assets::REQUIRED_BINARIES) {
        std::fs::remove_dir_all(target)
            .with_context(|| format!("removing incomplete {}", target.display()))?;
    }
    match std::fs::rename(staging, target) {
        Ok(()) => Ok(()),
        Err(_) if assets::holds(target, &assets::REQUIRED_BINARIES) => {
            let _ = std::fs::remove_dir_all(staging);
            Ok(())
        }
        Err(error) => Err(error)
            .with_context(|| format!("moving {} to {}", staging.display(), target.display())),
    }
}

/// A fresh staging directory beside `target` (same filesystem, so the final rename is atomic),
/// removed on drop unless it was installed.
pub(crate) fn staging_dir(target: &Path) -> Result<tempfile::TempDir> {
    let parent = target
        .parent()
        .context("the cache directory has no parent")?;
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(parent)
        .with_context(|| format!("creating a staging directory in {}", parent.display()))
}

#[cfg(unix)]
pub(crate) fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("chmod {}", path.display()))
}

#[cfg(not(unix))]
pub(crate) fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}
