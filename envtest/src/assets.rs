//! Where the control-plane binaries live: `KUBEBUILDER_ASSETS`, our cache, setup-envtest's
//! store. Shared by the test harness and by `cargo operator envtest use`.

use std::path::{Path, PathBuf};

/// The Kubernetes version `cargo operator envtest use` provides when none is given: the one
/// generated projects target.
pub const DEFAULT_KUBERNETES_VERSION: &str = cargo_operator_core::kubernetes::VERSION;

/// The variable controller-runtime's envtest reads, and so do we.
pub const ASSETS_ENV: &str = "KUBEBUILDER_ASSETS";

/// The binaries a directory must hold to be a usable `KUBEBUILDER_ASSETS`.
pub const REQUIRED_BINARIES: [&str; 3] = ["kube-apiserver", "etcd", "kubectl"];

/// The binaries the harness actually starts (kubectl is only for people).
pub const CONTROL_PLANE_BINARIES: [&str; 2] = ["kube-apiserver", "etcd"];

/// The command that provides the binaries, named in every "not found" message.
pub const USE_COMMAND: &str = "cargo operator envtest use";

/// `<os>-<arch>` in Go's spelling, as setup-envtest names its directories (`linux-amd64`).
pub fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64le",
        other => other,
    };
    format!("{os}-{arch}")
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

fn xdg(var: &str, fallback: &[&str]) -> Option<PathBuf> {
    match std::env::var_os(var).filter(|dir| !dir.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => home().map(|home| fallback.iter().fold(home, |path, part| path.join(part))),
    }
}

/// `$XDG_CACHE_HOME/cargo-operator/envtest` (default `~/.cache/cargo-operator/envtest`);
/// `CARGO_OPERATOR_ENVTEST_CACHE` overrides it (tests use that).
pub fn cache_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_OPERATOR_ENVTEST_CACHE").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    xdg("XDG_CACHE_HOME", &[".cache"]).map(|dir| dir.join("cargo-operator").join("envtest"))
}

/// The directory name of one version: `1.35.4-linux-amd64` (setup-envtest's naming).
pub fn version_dir_name(version: &str) -> String {
    format!("{}-{}", version.trim_start_matches('v'), platform())
}

/// Our cache directory for one version: `<cache_root>/k8s/<version>-<os>-<arch>`.
pub fn cache_dir(version: &str) -> Option<PathBuf> {
    cache_root().map(|root| root.join("k8s").join(version_dir_name(version)))
}

/// Roots of setup-envtest's store (each holds `k8s/<version>-<os>-<arch>`), so binaries that
/// setup-envtest downloaded serve us too: `$XDG_DATA_HOME/kubebuilder-envtest` (its default on
/// Linux), `~/Library/Application Support/io.kubebuilder.envtest` (macOS) and
/// `~/.cache/kubebuilder-envtest`.
pub fn setup_envtest_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(data) = xdg("XDG_DATA_HOME", &[".local", "share"]) {
        roots.push(data.join("kubebuilder-envtest"));
    }
    if let Some(cache) = xdg("XDG_CACHE_HOME", &[".cache"]) {
        roots.push(cache.join("kubebuilder-envtest"));
    }
    if let Some(home) = home() {
        roots.push(home.join("Library/Application Support/io.kubebuilder.envtest"));
    }
    roots
}

/// Every directory where the binaries of `version` may already be, in the order searched.
pub fn candidate_dirs(version: &str) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = cache_dir(version).into_iter().collect();
    dirs.extend(
        setup_envtest_roots()
            .into_iter()
            .map(|root| root.join("k8s").join(version_dir_name(version))),
    );
    dirs
}

/// True when `dir` holds every binary in `names` as an executable file.
pub fn holds(dir: &Path, names: &[&str]) -> bool {
    names.iter().all(|name| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// The directory named by `KUBEBUILDER_ASSETS`, when set and holding `names`.
pub fn from_env(names: &[&str]) -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os(ASSETS_ENV).filter(|d| !d.is_empty())?);
    holds(&dir, names).then_some(dir)
}

/// The cached directory of `version` (ours or setup-envtest's) holding `names`.
pub fn cached(version: &str, names: &[&str]) -> Option<PathBuf> {
    candidate_dirs(version)
        .into_iter()
        .find(|dir| holds(dir, names))
}

/// Any cached version holding `names`: the default version first, then the newest.
pub fn any_cached(names: &[&str]) -> Option<PathBuf> {
    if let Some(dir) = cached(DEFAULT_KUBERNETES_VERSION, names) {
        return Some(dir);
    }
    let suffix = format!("-{}", platform());
    let mut found: Vec<(Vec<u64>, PathBuf)> = Vec::new();
    let roots = cache_root()
        .into_iter()
        .chain(setup_envtest_roots())
        .map(|root| root.join("k8s"));
    for k8s in roots {
        let Ok(entries) = std::fs::read_dir(&k8s) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(version) = name.strip_suffix(&suffix) else {
                continue;
            };
            let Some(key) = version
                .split('.')
                .map(|part| part.parse::<u64>().ok())
                .collect::<Option<Vec<u64>>>()
            else {
                continue;
            };
            if holds(&entry.path(), names) {
                found.push((key, entry.path()));
            }
        }
    }
    found.sort();
    found.pop().map(|(_, dir)| dir)
}

/// Where the harness takes its binaries from: `KUBEBUILDER_ASSETS`, else the cache.
pub fn find_control_plane() -> Option<PathBuf> {
    from_env(&CONTROL_PLANE_BINARIES).or_else(|| any_cached(&CONTROL_PLANE_BINARIES))
}

/// The one-line message for "no binaries": it names the command that provides them.
pub fn not_found_message() -> String {
    let env = match std::env::var_os(ASSETS_ENV) {
        Some(dir) if !dir.is_empty() => format!(
            "{ASSETS_ENV}={} does not hold kube-apiserver and etcd",
            PathBuf::from(dir).display()
        ),
        _ => format!("{ASSETS_ENV} is not set"),
    };
    let cache = cache_dir(DEFAULT_KUBERNETES_VERSION)
        .map(|dir| format!(" and {} is empty", dir.display()))
        .unwrap_or_default();
    format!(
        "envtest: no kube-apiserver/etcd binaries ({env}{cache}); run `{USE_COMMAND}` \
         (or `export {ASSETS_ENV}=$({USE_COMMAND} --print path)`)"
    )
}
