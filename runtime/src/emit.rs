//! What `cargo operator manifests` reads from a built operator: the `#[rbac(...)]` rules and
//! the `#[webhook(...)]`s compiled into it. With `CARGO_OPERATOR_EMIT_MANIFESTS=<file>` in its
//! environment, a program that links this crate writes them to `<file>` as JSON and exits
//! before `main`, so what it writes is exactly what the program contains — a rule in a file no
//! module declares, or under `#[cfg(test)]`, was never compiled — whatever `main` does.
//!
//! The document (format 1; keys sorted):
//!
//! ```text
//! {
//!   "format": 1,
//!   "rbac": [{"groups": [..], "resources": [..], "resourceNames": [..], "urls": [..], "verbs": [..]}, ..],
//!   "runtime": "0.1.0",
//!   "webhooks": [{"admissionReviewVersions": ["v1"], "failurePolicy": "Fail", "groups": [..],
//!                 "matchPolicy"?: "..", "mutating": true, "name": "..", "path": "/mutate-..",
//!                 "reinvocationPolicy"?: "..", "resources": [..], "sideEffects": "None",
//!                 "timeoutSeconds"?: 10, "verbs": ["CREATE", ..], "versions": [..]}, ..]
//! }
//! ```
//!
//! `rbac` holds `cargo_operator_core::rbac::Rule`s in a stable order, `webhooks`
//! `cargo_operator_core::webhook::Webhook`s (checked and normalised: `Fail`, `CREATE`, `""` for
//! core) sorted by name. `webhooks` was added within format 1: a reader of an older runtime's
//! document finds no `webhooks` and treats that as none.

use serde_json::json;

/// The variable that asks for the manifests, naming the file to write.
pub const EMIT_ENV: &str = "CARGO_OPERATOR_EMIT_MANIFESTS";

/// The version of the document's layout; `manifests` refuses another.
pub const FORMAT: u32 = 1;

/// The document: the runtime's version, the RBAC rules and the webhooks.
pub fn document() -> serde_json::Value {
    json!({
        "format": FORMAT,
        "runtime": env!("CARGO_PKG_VERSION"),
        "rbac": crate::derive_support::registered_rules(),
        "webhooks": crate::derive_support::registered_webhooks(),
    })
}

#[ctor::ctor(unsafe)]
fn emit_if_asked() {
    let Some(path) = std::env::var_os(EMIT_ENV).filter(|p| !p.is_empty()) else {
        return;
    };
    let text = serde_json::to_vec_pretty(&document()).expect("the manifests serialize");
    match std::fs::write(&path, text) {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!(
                "cannot write the manifests to {}: {e}",
                std::path::Path::new(&path).display()
            );
            std::process::exit(2)
        }
    }
}
