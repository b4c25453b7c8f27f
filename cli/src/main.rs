//! `cargo operator`: the kubebuilder of Rust.
//!
//! Data flows one way: command-line flags → the project model ([`project::Project`], stored
//! in the project file) → templates → files on disk. Manifests flow from the Rust API types
//! (compiled, asked for their CRDs) and from `#[rbac]` attributes (scanned with syn) to YAML.

mod commands;
mod envtest;
mod manifests;
mod names;
mod project;
mod scaffold;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = commands::Cli::parse_from(commands::normalize_cargo_args(std::env::args_os()));
    match commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
