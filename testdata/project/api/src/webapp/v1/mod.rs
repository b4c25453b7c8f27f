//! Version v1 of the `webapp.example.com` API group.

mod guestbook;
pub use guestbook::*;
// +cargo-operator:scaffold:kinds
