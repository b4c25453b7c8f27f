//! `cargo operator envtest use|up`.

use anyhow::Result;
use cargo_operator_envtest::provision::Provision;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::ops::envtest::{Print, UpOptions, UseOptions};

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
  eval \"$(cargo operator envtest use --print env)\"
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
    /// Kubernetes version (MAJOR.MINOR.PATCH) [default: the one generated projects target]
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
    /// Webhook configurations to install, calling the operator on this machine (file or
    /// directory); skipped when absent
    #[arg(long, default_value = "config/webhook/manifests.yaml")]
    pub webhooks: PathBuf,
    /// The local port the webhooks are called on (the operator's --webhook-port)
    #[arg(long, default_value_t = 9443)]
    pub webhook_port: u16,
    /// Kubernetes version of the binaries [default: the one generated projects target, or KUBEBUILDER_ASSETS]
    #[arg(long)]
    pub version: Option<String>,
}

pub fn run(command: EnvtestCommand) -> Result<()> {
    match command {
        EnvtestCommand::Use(args) => {
            let provision = if args.build_from_source {
                Provision::BuildFromSource
            } else if args.download_only {
                Provision::DownloadOnly
            } else {
                Provision::Auto
            };
            let print = match args.print {
                PrintFormat::Path => Print::Path,
                PrintFormat::Env => Print::Env,
            };
            crate::ops::envtest::use_binaries(&UseOptions {
                version: args.version,
                provision,
                print,
            })
        }
        EnvtestCommand::Up(args) => crate::ops::envtest::up(&UpOptions {
            kubeconfig: args.kubeconfig,
            crd_dir: args.crd_dir,
            webhooks: args.webhooks,
            webhook_port: args.webhook_port,
            version: args.version,
        }),
    }
}
