//! A tiny operator for watching leader election work: a controller on ConfigMaps whose
//! reconcile takes ~200 ms and appends `<pid> <start-ms> <end-ms> <namespace>/<name>` to the
//! file named by `RECONCILE_LOG` (milliseconds since the Unix epoch).
//!
//! Run two of them against one cluster and watch only one write:
//!
//! ```text
//! RECONCILE_LOG=/tmp/runs cargo run -p cargo-operator-runtime --example leader_demo -- \
//!     --leader-elect --leader-election-namespace default --metrics-bind-address 0 \
//!     --health-probe-bind-address 0
//! ```
//!
//! The leader-election test runs this same code as two processes against envtest.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cargo_operator_runtime::{Action, Context, Controller, Manager, ManagerOptions, ResourceExt};
use k8s_openapi::api::core::v1::ConfigMap;

fn main() -> ExitCode {
    run(std::env::args())
}

/// The whole operator, with its command line as arguments (the first is the program name).
pub fn run(args: impl IntoIterator<Item = String>) -> ExitCode {
    let options = match ManagerOptions::try_parse_from(args) {
        Ok(options) => options,
        Err(e) => e.exit(),
    };
    let Some(log) = std::env::var_os("RECONCILE_LOG") else {
        eprintln!("leader_demo: set RECONCILE_LOG to the file reconciles are recorded in");
        return ExitCode::FAILURE;
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async move {
        let mut manager = match Manager::new("leader-demo", options).await {
            Ok(manager) => manager,
            Err(e) => {
                eprintln!("leader_demo: {e}");
                return ExitCode::FAILURE;
            }
        };
        let log = Arc::new(std::path::PathBuf::from(log));
        manager.add_controller(Controller::<ConfigMap>::new(
            "configmap",
            move |cm: Arc<ConfigMap>, _ctx: Arc<Context>| {
                let log = log.clone();
                async move {
                    let start = epoch_ms();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    let line = format!(
                        "{} {start} {} {}/{}\n",
                        std::process::id(),
                        epoch_ms(),
                        cm.namespace().unwrap_or_default(),
                        cm.name_any()
                    );
                    // One write of a short line with O_APPEND: lines of two processes never mix.
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&*log)
                        .and_then(|mut f| f.write_all(line.as_bytes()))
                        .map_err(|e| {
                            cargo_operator_runtime::ReconcileError::msg(format!(
                                "cannot record the reconcile: {e}"
                            ))
                        })?;
                    Ok(Action::await_change())
                }
            },
        ));
        manager.run().await
    })
}

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis()
}
