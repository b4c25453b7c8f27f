//! `cargo operator envtest`: the control-plane binaries (`use`) and a throwaway control plane
//! in the foreground (`up`).

use crate::envtest::{self, Provision, UseRequest};
use anyhow::{Context, Result};
use cargo_operator_runtime::envtest::{DEFAULT_KUBERNETES_VERSION, EnvironmentBuilder, assets};
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum EnvtestCommand {
    /// Provide kube-apiserver, etcd and kubectl and print the directory (KUBEBUILDER_ASSETS)
    #[command(
        long_about = "Provide kube-apiserver, etcd and kubectl for envtest and print their \
directory, usable as KUBEBUILDER_ASSETS (controller-runtime's variable, which the \
cargo-operator-runtime envtest harness reads too).

Sources, in order:
  1. KUBEBUILDER_ASSETS, if it holds the three binaries and no VERSION was given;
  2. the cache, ~/.cache/cargo-operator/envtest/k8s/<version>-<os>-<arch>
     (or setup-envtest's store, which uses the same layout);
  3. a download from the envtest release index that setup-envtest uses (sha512-verified;
     CARGO_OPERATOR_ENVTEST_INDEX_URL points it elsewhere);
  4. a build from Kubernetes' Go modules with the local Go toolchain (when the download is
     not possible, or with --build-from-source); it takes minutes once, then it is cached.

A second call is instant.",
        after_help = "Examples:
  cargo operator envtest use
  export KUBEBUILDER_ASSETS=$(cargo operator envtest use --print path)
  eval \"$(cargo operator envtest use 1.35.4 --print env)\"
  cargo operator envtest use --build-from-source"
    )]
    Use(UseArgs),
    /// Run a throwaway control plane in the foreground (for `make run` without a cluster)
    #[command(
        long_about = "Run a throwaway control plane (etcd + kube-apiserver on 127.0.0.1) in the \
foreground until Ctrl-C or SIGTERM: write an admin kubeconfig, install the project's CRDs, \
print how to point your operator at it. Nothing survives the stop.",
        after_help = "Examples:
  cargo operator envtest up
  cargo operator envtest up --kubeconfig /tmp/envtest.kubeconfig
  # in another terminal:
  KUBECONFIG=/tmp/envtest.kubeconfig make run"
    )]
    Up(UpArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PrintFormat {
    /// The directory alone
    Path,
    /// `export KUBEBUILDER_ASSETS=<dir>`, for eval
    Env,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// Kubernetes version (MAJOR.MINOR.PATCH) [default: 1.35.4]
    pub version: Option<String>,
    /// Build from Go modules instead of downloading (needs `go` on PATH)
    #[arg(long, conflicts_with = "download_only")]
    pub build_from_source: bool,
    /// Never build from source: fail when the download is not possible
    #[arg(long)]
    pub download_only: bool,
    /// What to print on stdout
    #[arg(long, short = 'p', value_enum, default_value = "path")]
    pub print: PrintFormat,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Where to write the admin kubeconfig [default: ~/.cache/cargo-operator/envtest/kubeconfig]
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// CRD YAML to install (file or directory); skipped when absent
    #[arg(long, default_value = "config/crd/bases")]
    pub crd_dir: PathBuf,
    /// Kubernetes version of the binaries [default: 1.35.4, or KUBEBUILDER_ASSETS]
    #[arg(long)]
    pub version: Option<String>,
}

pub fn run(command: EnvtestCommand) -> Result<()> {
    match command {
        EnvtestCommand::Use(args) => run_use(args),
        EnvtestCommand::Up(args) => run_up(args),
    }
}

fn request(version: Option<String>, provision: Provision) -> UseRequest {
    UseRequest {
        explicit_version: version.is_some(),
        version: version.unwrap_or_else(|| DEFAULT_KUBERNETES_VERSION.to_string()),
        provision,
    }
}

fn run_use(args: UseArgs) -> Result<()> {
    let provision = if args.build_from_source {
        Provision::BuildFromSource
    } else if args.download_only {
        Provision::DownloadOnly
    } else {
        Provision::Auto
    };
    let (dir, _source) = envtest::resolve(&request(args.version, provision))?;
    match args.print {
        PrintFormat::Path => println!("{}", dir.display()),
        PrintFormat::Env => println!(
            "export {}={}",
            assets::ASSETS_ENV,
            shell_quote(&dir.display().to_string())
        ),
    }
    Ok(())
}

fn shell_quote(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@".contains(&b))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn run_up(args: UpArgs) -> Result<()> {
    let (assets_dir, source) = envtest::resolve(&request(args.version, Provision::Auto))?;
    let kubeconfig = match args.kubeconfig {
        Some(path) => path,
        None => assets::cache_root()
            .context("no cache directory: pass --kubeconfig")?
            .join("kubeconfig"),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(up(assets_dir, source, kubeconfig, args.crd_dir))
}

async fn up(
    assets_dir: PathBuf,
    source: envtest::Source,
    kubeconfig: PathBuf,
    crd_dir: PathBuf,
) -> Result<()> {
    eprintln!(
        "envtest: starting etcd + kube-apiserver from {} ({source})",
        assets_dir.display()
    );
    let started = Instant::now();
    let mut builder = EnvironmentBuilder::new().binary_assets_dir(&assets_dir);
    let install_crds = crd_dir.exists();
    if install_crds {
        builder = builder.crd_paths([&crd_dir]);
    }
    let mut env = builder.start().await?;
    env.write_kubeconfig(&kubeconfig)
        .with_context(|| format!("writing {}", kubeconfig.display()))?;
    let _remove_kubeconfig = RemoveOnDrop(kubeconfig.clone());

    let crds = if install_crds {
        let names: Vec<String> = cargo_operator_runtime::envtest::read_crds(&crd_dir)?
            .into_iter()
            .filter_map(|crd| crd.metadata.name)
            .collect();
        format!(
            "{} CRD(s) from {}: {}",
            names.len(),
            crd_dir.display(),
            names.join(", ")
        )
    } else {
        format!("no CRDs ({} not found)", crd_dir.display())
    };
    let kc = shell_quote(&kubeconfig.display().to_string());
    println!(
        "envtest: control plane ready in {:.1?} at {}\n\
         envtest: installed {crds}\n\
         envtest: admin kubeconfig (system:masters): {}\n\
         \n\
         Use it from another terminal:\n  \
           export KUBECONFIG={kc}\n  \
           kubectl get crds\n  \
           KUBECONFIG={kc} make run\n\
         \n\
         Press Ctrl-C to stop (everything is thrown away).",
        started.elapsed(),
        env.server_url(),
        kubeconfig.display(),
    );

    let stopped_by = wait_for_stop(&mut env).await;
    match stopped_by {
        Stop::Signal(name) => {
            eprintln!("envtest: {name} received, stopping the control plane");
            env.stop();
            Ok(())
        }
        Stop::Exited(process) => {
            let tail = env.apiserver_log_tail(20);
            env.stop();
            anyhow::bail!("{process} stopped unexpectedly; kube-apiserver log ends with:\n{tail}")
        }
    }
}

enum Stop {
    Signal(&'static str),
    Exited(&'static str),
}

async fn wait_for_stop(env: &mut cargo_operator_runtime::envtest::Environment) -> Stop {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                return tokio::select! {
                    _ = tokio::signal::ctrl_c() => Stop::Signal("Ctrl-C"),
                    process = env.wait_for_exit() => Stop::Exited(process),
                };
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => Stop::Signal("Ctrl-C"),
            _ = term.recv() => Stop::Signal("SIGTERM"),
            process = env.wait_for_exit() => Stop::Exited(process),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => Stop::Signal("Ctrl-C"),
            process = env.wait_for_exit() => Stop::Exited(process),
        }
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
