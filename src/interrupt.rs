//! Ctrl-C, SIGTERM, SIGHUP (a closed terminal) and SIGQUIT: recorded, not obeyed mid-write. A command checks [`requested`]
//! between steps; a transaction stops before its first rename or finishes after it, so an
//! interrupted command leaves the project exactly as before or exactly as after.
//!
//! Fault injection for tests: with `CARGO_OPERATOR_FAULT_AT=<n>` the process stops itself at
//! the n-th [`point`] of the write phase (1-based), with SIGKILL, or with SIGINT when
//! `CARGO_OPERATOR_FAULT_SIGNAL=INT`. Each point is a step after which a crash must still
//! leave the project recoverable.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn flag() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// Records SIGINT, SIGTERM, SIGHUP and SIGQUIT instead of dying of them. Idempotent.
pub fn install() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        #[cfg(unix)]
        for signal in [
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGQUIT,
        ] {
            // A second signal while the first is pending ends the process as usual, so a stuck
            // command can still be stopped.
            let _ = signal_hook::flag::register_conditional_shutdown(signal, 130, flag().clone());
            let _ = signal_hook::flag::register(signal, flag().clone());
        }
    });
}

/// Whether one of those signals arrived.
pub fn requested() -> bool {
    flag().load(Ordering::SeqCst)
}

/// Marks the signal as handled: for a command whose normal end is Ctrl-C (`envtest up`), it
/// is not an interruption, and the exit code stays 0.
pub fn handled() {
    flag().store(false, Ordering::SeqCst);
}

/// A step of the write phase (see the module docs).
pub fn point() {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let Some(at) = std::env::var("CARGO_OPERATOR_FAULT_AT")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    if COUNT.fetch_add(1, Ordering::SeqCst) + 1 != at {
        return;
    }
    #[cfg(unix)]
    {
        let interrupt = std::env::var("CARGO_OPERATOR_FAULT_SIGNAL").is_ok_and(|s| s == "INT");
        let signal = if interrupt {
            signal_hook::consts::SIGINT
        } else {
            signal_hook::consts::SIGKILL
        };
        let _ = signal_hook::low_level::raise(signal);
    }
    #[cfg(not(unix))]
    std::process::abort();
}
