//! The error of every fallible operation of the crate.

/// Why an environment could not be started or used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No kube-apiserver/etcd binaries: the message is one line naming
    /// `cargo operator envtest use`.
    #[error("{0}")]
    BinariesNotFound(String),
    #[error("envtest: generating certificates: {0}")]
    Pki(String),
    #[error("envtest: {0}: {1}")]
    Io(String, #[source] std::io::Error),
    /// A process exited or did not become ready; the message holds the end of its log.
    #[error("envtest: {0}")]
    Start(String),
    #[error("envtest: installing CRDs: {0}")]
    Crd(String),
    /// Webhook configurations that cannot be read or installed, or certificates for them
    /// that cannot be made.
    #[error("envtest: installing webhooks: {0}")]
    Webhook(String),
    #[cfg(feature = "client")]
    #[error("envtest: {0}")]
    Kube(#[from] kube::Error),
}
