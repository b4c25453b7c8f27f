//! Errors: [`Error`] for the manager's own failures, [`ReconcileError`] for what a reconciler
//! returns.

use std::fmt;

/// A failure of the manager itself (connecting to the cluster, binding a server, leader
/// election). Reconcile failures are [`ReconcileError`]s and never end the process.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No usable kubeconfig or in-cluster configuration.
    #[error("cannot create a Kubernetes client (no kubeconfig or in-cluster config?): {0}")]
    Client(#[source] kube::Error),
    /// A request to the API server failed.
    #[error("Kubernetes API request failed: {0}")]
    Kube(#[from] kube::Error),
    /// A command-line value is not usable.
    #[error("invalid option {option}: {message}")]
    InvalidOption {
        /// The flag, e.g. `--metrics-bind-address`.
        option: &'static str,
        /// Why the value was rejected.
        message: String,
    },
    /// A server could not listen on its address.
    #[error("cannot listen on {address} for {what}: {source}")]
    Bind {
        /// `metrics` or `health probes`.
        what: &'static str,
        /// The address from the flag.
        address: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Leader election failed in a way that retrying cannot fix.
    #[error("leader election: {0}")]
    LeaderElection(String),
    /// Anything else (TLS setup, ...).
    #[error("{0}")]
    Other(String),
}

/// The error a reconciler returns: any `std::error::Error` converts into it with `?`, and
/// [`ReconcileError::msg`] makes one from a message.
///
/// Like `anyhow::Error` it deliberately does **not** implement `std::error::Error` itself: that
/// is what makes the blanket `From<E: Error>` conversion (and therefore `?` on any error)
/// possible without conflicting with `From<T> for T`.
pub struct ReconcileError {
    inner: Box<dyn std::error::Error + Send + Sync + 'static>,
    terminal: bool,
}

impl ReconcileError {
    /// An error with just a message.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self {
            inner: message.to_string().into(),
            terminal: false,
        }
    }

    /// An error that retrying cannot fix (controller-runtime's `reconcile.TerminalError`): it is
    /// counted in `controller_runtime_terminal_reconcile_errors_total` and the object is not
    /// requeued until it changes.
    pub fn terminal(error: impl Into<ReconcileError>) -> Self {
        Self {
            terminal: true,
            ..error.into()
        }
    }

    /// Whether this error was made with [`ReconcileError::terminal`].
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// The underlying error, e.g. to downcast it.
    pub fn as_std(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.inner
    }

    /// Turns it into the underlying boxed error.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self.inner
    }

    /// The error and all its sources, joined by `: ` — what logs and events show.
    pub fn chain_message(&self) -> String {
        let mut message = self.inner.to_string();
        let mut source = self.inner.source();
        while let Some(cause) = source {
            let cause_text = cause.to_string();
            // Many errors repeat their source in their own message; don't say it twice.
            if !message.contains(&cause_text) {
                message.push_str(": ");
                message.push_str(&cause_text);
            }
            source = cause.source();
        }
        message
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for ReconcileError {
    fn from(error: E) -> Self {
        Self {
            inner: Box::new(error),
            terminal: false,
        }
    }
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.chain_message())
    }
}

impl fmt::Debug for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReconcileError")
            .field("error", &self.inner)
            .field("terminal", &self.terminal)
            .finish()
    }
}
