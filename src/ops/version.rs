//! `cargo operator version`: what this CLI is and targets, and what the project in the
//! current directory (if any) resolves to, so a mismatch is visible at a glance.

use anyhow::Result;
use cargo_operator_core::kubernetes;

use crate::project::Workspace;
use crate::workspace;

pub fn version() -> Result<()> {
    println!("cargo-operator {}", env!("CARGO_PKG_VERSION"));
    println!(
        "Kubernetes {} (k8s-openapi {}, feature {})",
        kubernetes::VERSION,
        kubernetes::K8S_OPENAPI_VERSION,
        kubernetes::K8S_OPENAPI_FEATURE
    );
    let Ok(Workspace { root, project }) = Workspace::discover(&std::env::current_dir()?) else {
        println!("project: none here (run inside a project for its versions)");
        return Ok(());
    };
    println!("project {} ({})", project.project_name, root.display());
    let packages = [workspace::RUNTIME_PACKAGE, "kube", "k8s-openapi"];
    match workspace::resolved_versions(&root, &packages) {
        Ok(versions) => {
            for (name, version) in packages.iter().zip(versions) {
                println!(
                    "  {name} {}",
                    version
                        .as_deref()
                        .unwrap_or("(not resolved yet: run `cargo build`)")
                );
            }
        }
        Err(error) => println!("  dependencies not resolved ({error:#}); run `cargo build`"),
    }
    Ok(())
}
