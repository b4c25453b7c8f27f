//! The admission webhooks of guestbook-operator: the API server calls them before it stores
//! an object. Each module is one webhook for one kind and version; `src/main.rs` registers
//! them with the Manager, which serves them over TLS on `--webhook-port` (9443).

pub mod guestbook_conversion;
pub mod guestbook_v1_defaulter;
pub mod guestbook_v1_validator;
// +cargo-operator:scaffold:webhook-modules
