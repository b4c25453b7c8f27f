//! `#[rbac(...)]`: a compile-time check of one RBAC rule. The item is returned unchanged;
//! `cargo operator manifests` scans the source for these attributes and writes the ClusterRole.

use proc_macro2::TokenStream;
use syn::LitStr;

use crate::attr_parse::{self as p, Errors, Seen};

const KEYS: &[&str] = &["groups", "resources", "verbs", "resource_names", "urls"];
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "*",
];
const EXAMPLE: &str = r#"#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]"#;

pub fn rbac(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let entries = p::entries(args)?;
    let mut seen = Seen::default();
    let mut lists: [Option<Vec<LitStr>>; 5] = Default::default();
    for meta in &entries {
        let Some(k) = errors.ok(p::key(meta)) else {
            continue;
        };
        let Some(idx) = KEYS.iter().position(|x| *x == k) else {
            errors.push(p::unknown_key(meta, &k, "#[rbac(...)]", KEYS));
            continue;
        };
        if !seen.check(&k, meta, &mut errors) {
            continue;
        }
        let ex = format!(r#"{k} = ["..."]"#);
        lists[idx] = errors.ok(p::string_list(meta, &ex));
    }
    let [groups, resources, verbs, names, urls] = &lists;
    let has = |k: &str| entries.iter().any(|m| m.path().is_ident(k));
    let span_of = |k: &str| {
        entries
            .iter()
            .find(|m| m.path().is_ident(k))
            .map_or_else(proc_macro2::Span::call_site, |m| {
                syn::spanned::Spanned::span(m)
            })
    };

    match verbs {
        Some(v) if v.is_empty() => errors.at(
            span_of("verbs"),
            r#"`verbs` must not be empty: write e.g. `verbs = ["get", "list", "watch"]`"#,
        ),
        Some(v) => {
            for verb in v {
                if !VERBS.contains(&verb.value().as_str()) {
                    errors.spanned(
                        verb,
                        format!(
                            "unknown verb `{}`; valid verbs are: {}",
                            verb.value(),
                            VERBS.join(", ")
                        ),
                    );
                }
            }
        }
        None if !has("verbs") => errors.at(
            proc_macro2::Span::call_site(),
            format!("#[rbac] needs `verbs`: write `{EXAMPLE}`"),
        ),
        None => {}
    }

    if has("urls") {
        for k in ["groups", "resources", "resource_names"] {
            if let Some(m) = entries.iter().find(|m| m.path().is_ident(k)) {
                errors.spanned(
                    m,
                    format!("`{k}` cannot be combined with `urls` (non-resource URLs): write two #[rbac] attributes"),
                );
            }
        }
        for url in urls.iter().flatten() {
            if !url.value().starts_with('/') && url.value() != "*" {
                errors.spanned(
                    url,
                    r#"a non-resource URL starts with `/`: write e.g. `urls = ["/metrics"]`"#,
                );
            }
        }
    } else {
        for k in ["groups", "resources"] {
            if !has(k) {
                errors.at(
                    proc_macro2::Span::call_site(),
                    format!("#[rbac] needs `{k}`: write `{EXAMPLE}`"),
                );
            }
        }
        for g in groups.iter().flatten() {
            let v = g.value();
            if v == "core" || v == "v1" {
                errors.spanned(
                    g,
                    r#"the core API group is written `""`: write `groups = [""]`"#,
                );
            } else if v != "*" && !v.is_empty() && !p::is_dns_subdomain(&v) {
                errors.spanned(g, "an API group is a lowercase DNS subdomain like `apps` or `webapp.example.com`, `\"\"` for core, or `\"*\"`");
            }
        }
        for r in resources.iter().flatten() {
            let v = r.value();
            let ok = v == "*"
                || v.split('/').count() <= 2
                    && v.split('/')
                        .all(|part| part == "*" || p::is_dns_label(part));
            if !ok {
                errors.spanned(r, "a resource is a lowercase plural like `guestbooks`, optionally with a subresource like `guestbooks/status`, or `\"*\"`");
            }
        }
        if let (Some(groups), Some(resources)) = (groups, resources) {
            if groups.is_empty() {
                errors.at(
                    span_of("groups"),
                    r#"`groups` must not be empty: write `groups = [""]` for the core group"#,
                );
            }
            if resources.is_empty() {
                errors.at(
                    span_of("resources"),
                    r#"`resources` must not be empty: write e.g. `resources = ["guestbooks"]`"#,
                );
            }
        }
        let _ = names;
    }
    errors.finish()?;
    Ok(item)
}
