//! Reference tools written in Go (controller-gen, kubebuilder), built from their Go modules
//! through the module proxy and cached, so that a test can run the real thing beside ours.
//!
//! Go is a test-time tool of this repository only: nothing we ship or generate needs it.

use std::path::PathBuf;
use std::process::Command;

/// Where built tools are kept between runs (next to the envtest binaries).
fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache")
        });
    base.join("cargo-operator/tools")
}

/// The path of `binary`, built with `go install <package>@<version>` on first use and cached
/// under `~/.cache/cargo-operator/tools/<binary>-<version>/`. The build goes to a temporary
/// directory renamed into place, so an interrupted build never leaves a half-written tool.
/// A failed build fails the test with Go's own output.
pub fn go_tool(package: &str, version: &str, binary: &str) -> PathBuf {
    let dir = cache_dir().join(format!("{binary}-{version}"));
    let tool = dir.join(binary);
    if tool.is_file() {
        return tool;
    }
    std::fs::create_dir_all(cache_dir()).unwrap();
    let staging = tempfile::tempdir_in(cache_dir()).unwrap();
    eprintln!(
        "building {package}@{version} with Go (cached in {})",
        dir.display()
    );
    let output = Command::new("go")
        .args(["install", &format!("{package}@{version}")])
        .env("GOBIN", staging.path())
        .env("GOFLAGS", "-mod=mod")
        .env("CGO_ENABLED", "0")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `go` (the Go toolchain must be on PATH): {e}"));
    assert!(
        output.status.success(),
        "go install {package}@{version} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Another test may have finished the same build meanwhile; either copy is good.
    let built = staging.keep();
    if std::fs::rename(&built, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&built);
    }
    assert!(tool.is_file(), "{} was not built", tool.display());
    tool
}
