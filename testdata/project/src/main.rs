//! guestbook-operator: flags → Manager → controllers.
//!
//! The Manager (from cargo-operator-runtime) owns the Kubernetes client, leader election,
//! the metrics and health endpoints, events and graceful shutdown. Run with `--help` for flags.

use cargo_operator_runtime::{Manager, ManagerOptions};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let options = ManagerOptions::parse_args();
    // `cargo operator create api` and `create webhook` register below, which needs `mut`.
    #[allow(unused_mut)]
    let mut manager = match Manager::new("guestbook-operator", options).await {
        Ok(manager) => manager,
        Err(error) => {
            eprintln!("error: cannot start the manager: {error}");
            return ExitCode::FAILURE;
        }
    };
    manager.add_controller(guestbook_operator::controller::guestbook::controller());
    manager.add_controller(guestbook_operator::controller::policy::controller());
    manager.add_controller(guestbook_operator::controller::memcached::controller());
    // +cargo-operator:scaffold:controllers
    manager.add_webhook(guestbook_operator::webhook::guestbook_v1_defaulter::webhook());
    manager.add_webhook(guestbook_operator::webhook::guestbook_v1_validator::webhook());
    manager.add_conversion(guestbook_operator::webhook::guestbook_conversion::conversion());
    // +cargo-operator:scaffold:webhooks
    manager.run().await
}
