//! A real Kubernetes control plane — kube-apiserver backed by etcd — on loopback, for
//! controller tests and for running an operator locally. The Rust analogue of
//! controller-runtime's envtest, without Go or cgo in your build: only the two binaries are
//! needed at run time.
//!
//! ```no_run
//! use cargo_operator_envtest::EnvironmentBuilder;
//!
//! // Skips (one line on stderr) when the binaries are missing; panics instead when CI=true.
//! let Some(env) = EnvironmentBuilder::new()
//!     .crd_paths(["config/crd/bases"])
//!     .start_or_skip()
//! else {
//!     return;
//! };
//! println!("kubeconfig: {}", env.kubeconfig().display());
//! // Everything stops and the temporary directory is removed when `env` is dropped.
//! ```
//!
//! [`EnvironmentBuilder::webhooks`] installs admission and conversion webhooks served by a
//! local process (the [`webhook`] module: certificates, `url` client configs).
//!
//! With the `client` feature, [`Environment::client`] and friends give kube clients for the
//! admin, an impersonated user or a ServiceAccount. With `provision`, [`provision`] gets the
//! binaries (`cargo operator envtest use`): from the cache, the envtest release index, or a
//! build from Kubernetes' Go modules.
//!
//! Nothing here needs an async runtime: starting takes a few seconds and blocks, which is
//! what a test or a CLI wants before it does anything else.

pub mod assets;
mod certs;
#[cfg(feature = "client")]
mod client;
mod documents;
mod environment;
mod error;
mod process;
#[cfg(feature = "provision")]
pub mod provision;
mod rest;
pub mod webhook;

pub use assets::DEFAULT_KUBERNETES_VERSION;
pub use environment::{Environment, EnvironmentBuilder, is_ci, read_crds};
pub use error::Error;
pub use webhook::{LocalWebhooks, WebhookInstallOptions, read_webhook_configurations};
