//! One reconciler per kind; `cargo operator create api` adds them here.

pub mod guestbook;
pub mod policy;
// +cargo-operator:scaffold:controller-modules
