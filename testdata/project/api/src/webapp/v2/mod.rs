//! Version v2 of the `webapp.example.com` API group.

mod guestbook;
pub use guestbook::*;
mod guestbook_conversion;
// +cargo-operator:scaffold:kinds
