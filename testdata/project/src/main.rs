//! golden-project: flags → Manager → controllers.
//!
//! The Manager (from cargo-operator-runtime) owns the Kubernetes client, leader election,
//! the metrics and health endpoints, events and graceful shutdown. Run with `--help` for flags.

use cargo_operator_runtime::{Manager, ManagerOptions};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let options = ManagerOptions::parse_args();
    #[allow(
        unused_mut,
        reason = "`cargo operator create api` adds controllers below"
    )]
    let mut manager = match Manager::new("golden-project", options).await {
        Ok(manager) => manager,
        Err(error) => {
            eprintln!("error: cannot start the manager: {error}");
            return ExitCode::FAILURE;
        }
    };
    manager.add_controller(golden_project::controller::guestbook::controller());
    manager.add_controller(golden_project::controller::policy::controller());
    // +cargo-operator:scaffold:controllers
    manager.run().await
}
