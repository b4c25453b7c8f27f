//! `cargo operator envtest use` against a local HTTP server that serves an envtest release
//! index and a tarball made here: download, sha512 check, cache, cache hit, mismatch.

use assert_cmd::Command;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const VERSION: &str = "1.99.7";
const BINARIES: [&str; 3] = ["etcd", "kube-apiserver", "kubectl"];

fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}-{arch}")
}

fn archive_name() -> String {
    format!("envtest-v{VERSION}-{}.tar.gz", platform())
}

/// A tarball shaped like the real ones: controller-tools/envtest/{etcd,kube-apiserver,kubectl}.
fn tarball() -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut builder = tar::Builder::new(gz);
    for name in BINARIES {
        let body = format!("#!/bin/sh\necho fake {name} {VERSION}\n");
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o755);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        builder
            .append_data(
                &mut header,
                format!("controller-tools/envtest/{name}"),
                body.as_bytes(),
            )
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

fn sha512_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA512, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Serves `/envtest-releases.yaml` and `/<archive>` on 127.0.0.1 until the test ends.
struct Server {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn serve(hash: Option<String>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let body = tarball();
    let hash = hash.unwrap_or_else(|| sha512_hex(&body));
    let index = format!(
        "releases:\n  v1.1.0:\n    envtest-v1.1.0-linux-amd64.tar.gz:\n      hash: abc\n      selfLink: {url}/nothing\n  v{VERSION}:\n    {name}:\n      hash: {hash}\n      selfLink: {url}/{name}\n",
        name = archive_name()
    );
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/");
            let (status, content): (&str, Vec<u8>) = if path == "/envtest-releases.yaml" {
                ("200 OK", index.clone().into_bytes())
            } else if path == format!("/{}", archive_name()) {
                ("200 OK", body.clone())
            } else {
                ("404 Not Found", b"not found".to_vec())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                content.len()
            );
            let _ = stream.write_all(&content);
        }
    });
    Server { url, requests }
}

/// The command with an isolated cache, HOME and index, and no KUBEBUILDER_ASSETS.
fn envtest_use(root: &Path, index_url: &str) -> Command {
    let mut command = Command::cargo_bin("cargo-operator").unwrap();
    command
        .env("HOME", root.join("home"))
        .env("CARGO_OPERATOR_ENVTEST_CACHE", root.join("cache"))
        .env(
            "CARGO_OPERATOR_ENVTEST_INDEX_URL",
            format!("{index_url}/envtest-releases.yaml"),
        )
        .env_remove("KUBEBUILDER_ASSETS")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("XDG_DATA_HOME")
        .args(["envtest", "use", VERSION, "--download-only"])
        .timeout(Duration::from_secs(120));
    command
}

fn expected_dir(root: &Path) -> PathBuf {
    root.join("cache")
        .join("k8s")
        .join(format!("{VERSION}-{}", platform()))
}

#[test]
fn download_is_verified_installed_and_then_served_from_the_cache() {
    let root = tempfile::tempdir().unwrap();
    let server = serve(None);

    let output = envtest_use(root.path(), &server.url)
        .args(["--print", "path"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let dir = expected_dir(root.path());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        dir.display().to_string()
    );
    for name in BINARIES {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(text.contains(&format!("fake {name} {VERSION}")), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o111, 0o111, "{name} is not executable");
        }
    }
    // Nothing half-written is left beside the installed directory.
    let siblings: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings, [format!("{VERSION}-{}", platform())]);
    assert_eq!(server.requests.load(Ordering::SeqCst), 2, "index + tarball");

    // Second call: a cache hit, no request, instant.
    let started = Instant::now();
    let output = envtest_use(root.path(), &server.url)
        .args(["--print", "env"])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("export KUBEBUILDER_ASSETS={}", dir.display())
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 2, "no new request");
    assert!(
        elapsed < Duration::from_secs(2),
        "cache hit took {elapsed:?}"
    );
}

#[test]
fn checksum_mismatch_is_a_clear_error_and_installs_nothing() {
    let root = tempfile::tempdir().unwrap();
    let server = serve(Some("00".repeat(64)));
    let output = envtest_use(root.path(), &server.url).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "must fail: {stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(stderr.contains(&archive_name()), "{stderr}");
    assert!(output.stdout.is_empty());
    let k8s = root.path().join("cache").join("k8s");
    let left: Vec<_> = std::fs::read_dir(&k8s)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn checksum_mismatch_never_falls_back_to_a_build() {
    // Without --download-only a failed download falls back to building from source; a
    // mismatch must not: it is an error on its own.
    let root = tempfile::tempdir().unwrap();
    let server = serve(Some("ab".repeat(64)));
    let mut command = Command::cargo_bin("cargo-operator").unwrap();
    let output = command
        .env("HOME", root.path().join("home"))
        .env("CARGO_OPERATOR_ENVTEST_CACHE", root.path().join("cache"))
        .env(
            "CARGO_OPERATOR_ENVTEST_INDEX_URL",
            format!("{}/envtest-releases.yaml", server.url),
        )
        .env("PATH", "/nonexistent")
        .env_remove("KUBEBUILDER_ASSETS")
        .args(["envtest", "use", VERSION])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(!stderr.contains("building"), "{stderr}");
}

#[test]
fn missing_index_or_release_is_named() {
    let root = tempfile::tempdir().unwrap();
    let server = serve(None);
    let output = envtest_use(root.path(), &server.url)
        .env(
            "CARGO_OPERATOR_ENVTEST_INDEX_URL",
            format!("{}/missing.yaml", server.url),
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("missing.yaml"), "{stderr}");

    let output = Command::cargo_bin("cargo-operator")
        .unwrap()
        .env("HOME", root.path().join("home"))
        .env("CARGO_OPERATOR_ENVTEST_CACHE", root.path().join("cache"))
        .env(
            "CARGO_OPERATOR_ENVTEST_INDEX_URL",
            format!("{}/envtest-releases.yaml", server.url),
        )
        .env_remove("KUBEBUILDER_ASSETS")
        .args(["envtest", "use", "1.2.3", "--download-only"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("has no release v1.2.3"), "{stderr}");
}

#[test]
fn kubebuilder_assets_is_used_when_it_holds_the_binaries() {
    let root = tempfile::tempdir().unwrap();
    let assets = root.path().join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    for name in BINARIES {
        let path = assets.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let mut command = Command::cargo_bin("cargo-operator").unwrap();
    let output = command
        .env("HOME", root.path().join("home"))
        .env("CARGO_OPERATOR_ENVTEST_CACHE", root.path().join("cache"))
        .env(
            "CARGO_OPERATOR_ENVTEST_INDEX_URL",
            "http://127.0.0.1:9/unused",
        )
        .env("KUBEBUILDER_ASSETS", &assets)
        .args(["envtest", "use"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        assets.display().to_string()
    );
}

#[test]
fn help_shows_examples() {
    for sub in ["use", "up"] {
        let output = Command::cargo_bin("cargo-operator")
            .unwrap()
            .args(["envtest", sub, "--help"])
            .output()
            .unwrap();
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("Examples:"), "{help}");
        assert!(
            help.contains(&format!("cargo operator envtest {sub}")),
            "{help}"
        );
    }
}
