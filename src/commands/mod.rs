//! The command line: clap definitions only. Each command turns its arguments into the
//! options of its [`crate::ops`] function and calls it.

pub mod completion;
pub mod create;
pub mod edit;
pub mod envtest;
pub mod init;
pub mod manifests;
pub mod version;

use clap::{Parser, Subcommand};
use std::ffi::OsString;

#[derive(Debug, Parser)]
#[command(
    name = "cargo operator",
    bin_name = "cargo operator",
    version,
    about = "Scaffold Kubernetes operators in Rust; generate CRDs and RBAC from Rust types",
    after_help = "Quick start:
  cargo operator init --domain example.com guestbook-operator && cd guestbook-operator
  cargo operator create api --group webapp --version v1 --kind Guestbook
  cargo operator manifests
  make test"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new operator project: workspace, api crate, main, config/, Makefile, Dockerfile
    Init(init::InitArgs),
    /// Add to the project
    #[command(subcommand)]
    Create(create::CreateCommand),
    /// Generate CRDs from the API types and the manager ClusterRole from #[rbac] attributes
    Manifests(manifests::ManifestsArgs),
    /// Provide a local Kubernetes control plane (kube-apiserver + etcd) for tests and `make run`
    #[command(subcommand)]
    Envtest(envtest::EnvtestCommand),
    /// Change project-level settings (the image, CRD description length)
    Edit(edit::EditArgs),
    /// Print the versions of the CLI, the runtime, kube and Kubernetes
    Version(version::VersionArgs),
    /// Print a shell completion script
    Completion(completion::CompletionArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init(args) => crate::ops::init::init(&args.into()),
        Command::Create(command) => create::run(command),
        Command::Manifests(args) => crate::ops::manifests::manifests(&args.into()),
        Command::Envtest(command) => envtest::run(command),
        Command::Edit(args) => crate::ops::edit::edit(&args.into()),
        Command::Version(_) => crate::ops::version::version(),
        Command::Completion(args) => completion::run(args),
    }
}

/// Cargo runs `cargo-operator operator <args>` for `cargo operator <args>`; drop that extra
/// word so both `cargo operator init` and `cargo-operator init` work.
pub fn normalize_cargo_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|arg| arg == "operator") {
        args.remove(1);
    }
    args
}
