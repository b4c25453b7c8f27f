//! One reconciler per kind; `cargo operator create api` adds them here.

pub mod guestbook;
pub mod memcached;
pub mod policy;
// +cargo-operator:scaffold:controller-modules
