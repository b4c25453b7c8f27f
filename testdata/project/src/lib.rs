//! guestbook-operator's controllers, as a library so that `tests/` can drive them against a
//! real API server; `src/main.rs` only wires them into the Manager.

pub mod controller;
pub mod webhook;
// +cargo-operator:scaffold:modules
