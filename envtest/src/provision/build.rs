//! Building kube-apiserver, kubectl and etcd from their Go modules with the local toolchain.
//!
//! `go install k8s.io/kubernetes/cmd/kube-apiserver@vX` cannot work: k8s.io/kubernetes requires
//! its staging modules (k8s.io/api, k8s.io/apiserver, …) at v0.0.0 and replaces them with
//! `./staging/src/...`, and a dependency's replaces are ignored. So a throwaway main module
//! requires `k8s.io/kubernetes vX` and replaces every staging module with its published
//! `v0.MINOR.PATCH`; the list is read from that version's own go.mod in the module cache.
//! kubectl is built from the same module (it shares nearly all packages with the API server,
//! so it costs little more, and matches the server's version). etcd comes from a second
//! throwaway module whose main calls `go.etcd.io/etcd/server/v3/etcdmain.Main`, at the etcd
//! version kubeadm pairs with that Kubernetes release. Everything is built with
//! `CGO_ENABLED=0`; the Go output goes to a log file, and stderr gets one line per step plus
//! a heartbeat.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// etcd used when the Kubernetes sources do not say (kubeadm's choice for the default
/// Kubernetes version).
pub const DEFAULT_ETCD_VERSION: &str = cargo_operator_core::kubernetes::ETCD_VERSION;

struct Builder {
    log: PathBuf,
    step: usize,
    steps: usize,
}

impl Builder {
    fn announce(&mut self, what: &str) {
        self.step += 1;
        eprintln!("envtest: [{}/{}] {what}", self.step, self.steps);
    }

    /// Runs a go command in `dir`, output appended to the log; a heartbeat every 30 s.
    fn go(&self, dir: &Path, args: &[&str]) -> Result<()> {
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .with_context(|| format!("opening {}", self.log.display()))?;
        writeln!(log, "\n$ (cd {} && go {})", dir.display(), args.join(" "))?;
        let mut child = go_command()
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .context("running `go` (is the Go toolchain on PATH?)")?;
        let started = Instant::now();
        let mut next_beat = Duration::from_secs(30);
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if started.elapsed() >= next_beat {
                eprintln!(
                    "envtest:       … still running `go {}` ({}s)",
                    args[0],
                    next_beat.as_secs()
                );
                next_beat += Duration::from_secs(30);
            }
            std::thread::sleep(Duration::from_millis(250));
        };
        if !status.success() {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(25)..].join("\n");
            bail!(
                "`go {}` in {} failed ({status}); full log: {}\n{tail}",
                args.join(" "),
                dir.display(),
                self.log.display()
            );
        }
        Ok(())
    }
}

fn go_command() -> Command {
    let mut command = Command::new("go");
    command
        .env("CGO_ENABLED", "0")
        .env("GOWORK", "off")
        .env("GO111MODULE", "on")
        .env("GOFLAGS", "-mod=mod");
    command
}

/// `go version` works, or a clear error.
fn check_go() -> Result<String> {
    let output = Command::new("go").arg("version").output().map_err(|e| {
        anyhow::anyhow!(
            "building the envtest binaries needs the Go toolchain (`go` on PATH): {e}; install Go \
             1.25 or newer, or point KUBEBUILDER_ASSETS at a directory holding kube-apiserver, \
             etcd and kubectl"
        )
    })?;
    anyhow::ensure!(output.status.success(), "`go version` failed");
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// What the Kubernetes module says about itself.
#[derive(Debug, PartialEq)]
pub(crate) struct KubernetesModule {
    pub go_version: String,
    pub staging: Vec<String>,
}

/// Reads the `go` directive and the staging modules (`k8s.io/x => ./staging/src/k8s.io/x`)
/// from k8s.io/kubernetes's go.mod.
pub(crate) fn parse_kubernetes_go_mod(text: &str) -> KubernetesModule {
    let mut go_version = String::from("1.25.0");
    let mut staging = Vec::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap_or("").trim();
        if let Some(v) = line.strip_prefix("go ") {
            go_version = v.trim().to_string();
            continue;
        }
        let line = line.strip_prefix("replace ").unwrap_or(line);
        let Some((from, to)) = line.split_once("=>") else {
            continue;
        };
        let module = from.split_whitespace().next().unwrap_or("");
        if to.trim().starts_with("./staging/") && !module.is_empty() {
            staging.push(module.to_string());
        }
    }
    staging.sort();
    staging.dedup();
    KubernetesModule {
        go_version,
        staging,
    }
}

/// `DefaultEtcdVersion = "3.6.6-0"` in kubeadm's constants → `3.6.6`.
pub(crate) fn parse_kubeadm_etcd_version(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("DefaultEtcdVersion")?;
        let value = rest.trim().strip_prefix('=')?.trim().trim_matches('"');
        let version = value.split('-').next()?;
        (version.split('.').count() == 3).then(|| version.to_string())
    })
}

/// The throwaway main module that builds kube-apiserver and kubectl.
pub(crate) fn apiserver_go_mod(version: &str, module: &KubernetesModule) -> String {
    let staging_version = format!("v0.{}", version.split_once('.').map_or("", |(_, r)| r));
    let mut text = format!(
        "module cargo-operator.local/envtest/kubernetes\n\ngo {}\n\nrequire k8s.io/kubernetes v{version}\n\nreplace (\n",
        module.go_version
    );
    for m in &module.staging {
        text.push_str(&format!("\t{m} => {m} {staging_version}\n"));
    }
    text.push_str(")\n");
    text
}

fn ldflags(version: &str) -> String {
    let mut parts = version.split('.');
    let major = parts.next().unwrap_or("1");
    let minor = parts.next().unwrap_or("0");
    let mut flags = vec!["-s".to_string(), "-w".to_string()];
    for package in [
        "k8s.io/component-base/version",
        "k8s.io/client-go/pkg/version",
    ] {
        for (key, value) in [
            ("gitVersion", format!("v{version}")),
            ("gitMajor", major.to_string()),
            ("gitMinor", minor.to_string()),
            ("gitTreeState", "clean".to_string()),
        ] {
            flags.push(format!("-X={package}.{key}={value}"));
        }
    }
    flags.join(" ")
}

/// Builds the binaries of Kubernetes `version` and installs them at `target`.
pub fn build(version: &str, target: &Path) -> Result<()> {
    let go = check_go()?;
    let staging = super::staging_dir(target)?;
    let work = staging.path();
    let bin = work.join("bin");
    std::fs::create_dir_all(&bin)?;
    let log = work.join("build.log");
    let mut builder = Builder {
        log: log.clone(),
        step: 0,
        steps: 4,
    };
    eprintln!(
        "envtest: building Kubernetes {version} binaries from Go modules with {go} \
         (several minutes the first time; log: {})",
        log.display()
    );
    let result = build_in(version, work, &bin, &mut builder);
    if result.is_err() {
        // Keep the log where the error message says it is.
        let kept = target.with_file_name(format!(
            "{}.build-failed.log",
            target.file_name().unwrap_or_default().to_string_lossy()
        ));
        if std::fs::copy(&log, &kept).is_ok() {
            eprintln!("envtest: build log kept at {}", kept.display());
        }
    }
    result?;
    super::install_atomically(&bin, target)
}

fn build_in(version: &str, work: &Path, bin: &Path, builder: &mut Builder) -> Result<()> {
    // 1. The Kubernetes module: its go.mod lists the staging modules.
    builder.announce(&format!(
        "resolving k8s.io/kubernetes v{version} (go mod download)"
    ));
    let k8s_dir = work.join("kubernetes");
    std::fs::create_dir_all(&k8s_dir)?;
    std::fs::write(
        k8s_dir.join("go.mod"),
        "module cargo-operator.local/envtest/probe\n",
    )?;
    let output = go_command()
        .args([
            "mod",
            "download",
            "-json",
            &format!("k8s.io/kubernetes@v{version}"),
        ])
        .current_dir(&k8s_dir)
        .stderr(Stdio::inherit())
        .output()
        .context("running `go mod download`")?;
    let info: serde_json::Value = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "`go mod download -json k8s.io/kubernetes@v{version}` printed no JSON: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    if let Some(error) = info.get("Error").and_then(|e| e.as_str()) {
        bail!("k8s.io/kubernetes@v{version} is not available from the Go module proxy: {error}");
    }
    anyhow::ensure!(
        output.status.success(),
        "`go mod download k8s.io/kubernetes@v{version}` failed"
    );
    let source = PathBuf::from(
        info.get("Dir")
            .and_then(|d| d.as_str())
            .context("`go mod download -json` gave no Dir")?,
    );
    let go_mod = std::fs::read_to_string(source.join("go.mod"))
        .with_context(|| format!("reading {}", source.join("go.mod").display()))?;
    let module = parse_kubernetes_go_mod(&go_mod);
    anyhow::ensure!(
        !module.staging.is_empty(),
        "no staging modules (`k8s.io/… => ./staging/…`) in {}",
        source.join("go.mod").display()
    );
    let etcd_version =
        std::fs::read_to_string(source.join("cmd/kubeadm/app/constants/constants.go"))
            .ok()
            .and_then(|text| parse_kubeadm_etcd_version(&text))
            .unwrap_or_else(|| DEFAULT_ETCD_VERSION.to_string());

    // 2. kube-apiserver + kubectl.
    builder.announce(&format!(
        "building kube-apiserver and kubectl v{version} ({} staging modules replaced by v0.* releases)",
        module.staging.len()
    ));
    std::fs::write(k8s_dir.join("go.mod"), apiserver_go_mod(version, &module))?;
    std::fs::write(
        k8s_dir.join("tools.go"),
        "//go:build tools\n\npackage tools\n\nimport (\n\t_ \"k8s.io/kubernetes/cmd/kube-apiserver\"\n\t_ \"k8s.io/kubernetes/cmd/kubectl\"\n)\n",
    )?;
    builder.go(&k8s_dir, &["mod", "tidy"])?;
    let out_dir = format!("{}/", bin.display());
    let flags = format!("-ldflags={}", ldflags(version));
    builder.go(
        &k8s_dir,
        &[
            "build",
            "-trimpath",
            &flags,
            "-o",
            &out_dir,
            "k8s.io/kubernetes/cmd/kube-apiserver",
            "k8s.io/kubernetes/cmd/kubectl",
        ],
    )?;

    // 3. etcd.
    builder.announce(&format!("building etcd v{etcd_version}"));
    let etcd_dir = work.join("etcd");
    std::fs::create_dir_all(&etcd_dir)?;
    std::fs::write(
        etcd_dir.join("go.mod"),
        format!(
            "module cargo-operator.local/envtest/etcd\n\ngo {}\n\nrequire go.etcd.io/etcd/server/v3 v{etcd_version}\n",
            module.go_version
        ),
    )?;
    std::fs::write(
        etcd_dir.join("main.go"),
        "package main\n\nimport (\n\t\"os\"\n\n\t\"go.etcd.io/etcd/server/v3/etcdmain\"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n",
    )?;
    builder.go(&etcd_dir, &["mod", "tidy"])?;
    builder.go(
        &etcd_dir,
        &["build", "-trimpath", "-ldflags=-s -w", "-o", &out_dir, "."],
    )?;
    anyhow::ensure!(
        bin.join("etcd").is_file(),
        "`go build` did not produce {}",
        bin.join("etcd").display()
    );

    // 4. Check that what was built runs.
    builder.announce("checking the binaries");
    for (name, args) in [
        ("kube-apiserver", &["--version"][..]),
        ("kubectl", &["version", "--client"][..]),
        ("etcd", &["--version"][..]),
    ] {
        let output = Command::new(bin.join(name))
            .args(args)
            .output()
            .with_context(|| format!("running the built {name}"))?;
        anyhow::ensure!(
            output.status.success(),
            "the built {name} does not run: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let first = String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        eprintln!("envtest:       {name}: {first}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_staging_modules_and_go_version() {
        let module = parse_kubernetes_go_mod(
            "module k8s.io/kubernetes\n\ngo 1.25.0\n\ngodebug default=go1.25\n\nrequire (\n\tk8s.io/api v0.0.0\n)\n\nreplace (\n\tk8s.io/api => ./staging/src/k8s.io/api\n\tk8s.io/apiserver => ./staging/src/k8s.io/apiserver // a comment\n\tgithub.com/x/y => github.com/x/y v1.0.0\n)\nreplace k8s.io/kubectl => ./staging/src/k8s.io/kubectl\n",
        );
        assert_eq!(module.go_version, "1.25.0");
        assert_eq!(
            module.staging,
            ["k8s.io/api", "k8s.io/apiserver", "k8s.io/kubectl"]
        );
        let go_mod = apiserver_go_mod("1.35.4", &module);
        assert!(
            go_mod.contains("require k8s.io/kubernetes v1.35.4"),
            "{go_mod}"
        );
        assert!(
            go_mod.contains("\tk8s.io/api => k8s.io/api v0.35.4\n"),
            "{go_mod}"
        );
    }

    #[test]
    fn reads_kubeadm_etcd_version() {
        let text = "\t// DefaultEtcdVersion indicates ...\n\tDefaultEtcdVersion = \"3.6.6-0\"\n";
        assert_eq!(parse_kubeadm_etcd_version(text).as_deref(), Some("3.6.6"));
        assert_eq!(parse_kubeadm_etcd_version("nothing"), None);
    }
}
