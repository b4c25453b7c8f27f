//! Structured logs through `tracing`: text for people, JSON for log collectors.

use std::io::IsTerminal as _;
use tracing_subscriber::EnvFilter;

use crate::options::{LogFormat, ManagerOptions};

/// Installs the global subscriber: the filter is `--log-level`, else `RUST_LOG`, else `info`.
/// Does nothing if a subscriber is already installed (e.g. by a test), so it is safe to call
/// more than once.
pub fn init_logging(options: &ManagerOptions) {
    let filter = options
        .log_level
        .as_deref()
        .and_then(|level| EnvFilter::try_new(level).ok())
        .or_else(|| EnvFilter::try_from_default_env().ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    // Logs go to stderr, like controller-runtime's, so stdout stays free for the program;
    // colours only when a person is watching.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match options.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}
