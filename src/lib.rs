//! `cargo operator`: the kubebuilder of Rust, as a library with a thin binary.
//!
//! Data flows one way: command-line flags ([`commands`]) → the options of one [`ops`]
//! function → the project model ([`project`], stored in the project file) → file builders
//! ([`scaffold`]) → an in-memory plan, checked as a whole → one transactional write
//! ([`transaction`]). Manifests flow from what the project compiles to ([`manifests`]): the
//! API types' CRDs and the `#[rbac]` rules compiled into the operator, to YAML.

pub mod commands;
pub mod fs;
pub mod interrupt;
pub mod manifests;
pub mod names;
pub mod ops;
pub mod project;
pub mod scaffold;
pub mod transaction;
pub mod workspace;

use clap::Parser;

/// The `cargo-operator` binary: parse, run, report.
pub fn main() -> std::process::ExitCode {
    interrupt::install();
    let cli = commands::Cli::parse_from(commands::normalize_cargo_args(std::env::args_os()));
    match commands::run(cli) {
        Ok(()) if interrupt::requested() => std::process::ExitCode::from(130),
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            if interrupt::requested() {
                std::process::ExitCode::from(130)
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
