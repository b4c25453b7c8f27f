//! Validation of user-supplied names and the names derived from them.
//!
//! Every rule here is the API server's or cargo's own, checked before anything is written, so
//! a bad flag fails with a message instead of a project that later fails to build or apply.

use anyhow::{Result, bail};
use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// The plural resource name of a kind, e.g. `Guestbook` → `guestbooks`.
///
/// Uses the `pluralizer` crate (a port of pluralize.js, which handles irregulars such as
/// Policy → policies, Ingress → ingresses, Child → children), the same crate the derive
/// uses, so the CLI and `#[derive(CustomResource)]` always agree on the plural.
pub fn plural(kind: &str) -> String {
    pluralizer::pluralize(&kind.to_lowercase(), 2, false)
}

/// DNS-1123 label: what Kubernetes requires of a group segment, a namespace, a name prefix.
fn is_dns_label(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

pub fn validate_domain(domain: &str) -> Result<()> {
    if domain.len() > 253 || domain.split('.').any(|label| !is_dns_label(label)) {
        bail!(
            "invalid --domain `{domain}`: it must be a lowercase DNS name such as `example.com` \
             (the API group of every resource ends with it)"
        );
    }
    Ok(())
}

pub fn validate_group(group: &str) -> Result<()> {
    if group.split('.').any(|label| !is_dns_label(label)) {
        bail!(
            "invalid --group `{group}`: use a lowercase DNS label such as `webapp`; \
             the domain is appended to form the API group"
        );
    }
    Ok(())
}

/// Kubernetes API versions: `v1`, `v2beta3`, `v1alpha1`.
pub fn validate_version(version: &str) -> Result<()> {
    let valid = version.strip_prefix('v').is_some_and(|rest| {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (major, qualifier) = rest.split_at(digits);
        let qualifier_ok = qualifier.is_empty()
            || ["alpha", "beta"].iter().any(|stage| {
                qualifier.strip_prefix(stage).is_some_and(|n| {
                    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0')
                })
            });
        !major.is_empty() && !major.starts_with('0') && qualifier_ok
    });
    if !valid {
        bail!(
            "invalid --version `{version}`: use a Kubernetes API version such as v1, v1alpha1 or v2beta1"
        );
    }
    Ok(())
}

pub fn validate_kind(kind: &str) -> Result<()> {
    let camel = kind.to_upper_camel_case();
    if kind.is_empty() || !kind.starts_with(|c: char| c.is_ascii_uppercase()) || camel != kind {
        bail!("invalid --kind `{kind}`: use UpperCamelCase, e.g. `{camel}`");
    }
    if kind.len() > 63 || !kind.bytes().all(|b| b.is_ascii_alphanumeric()) {
        bail!("invalid --kind `{kind}`: only ASCII letters and digits are allowed");
    }
    Ok(())
}

/// Project names become cargo package names, binary names, image names and Kubernetes
/// object name prefixes, so they must satisfy all of them: a DNS label.
pub fn validate_project_name(name: &str) -> Result<()> {
    if !is_dns_label(name) || name.starts_with(|c: char| c.is_ascii_digit()) {
        bail!(
            "invalid project name `{name}`: use lowercase letters, digits and `-`, starting with a \
             letter (it names the cargo package, the binary, the image and Kubernetes objects); \
             try `{}`",
            name.to_kebab_case()
        );
    }
    Ok(())
}

/// Rust module name for a group or version (`my-group` → `my_group`).
pub fn module_name(value: &str) -> String {
    value.replace(['.', '-'], "_").to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_kubebuilder_including_irregulars() {
        for (kind, expected) in [
            ("Guestbook", "guestbooks"),
            ("Policy", "policies"),
            ("Ingress", "ingresses"),
            ("Memcached", "memcacheds"),
            ("Proxy", "proxies"),
            ("Child", "children"),
            ("Bus", "buses"),
        ] {
            assert_eq!(plural(kind), expected, "plural of {kind}");
        }
    }

    #[test]
    fn versions() {
        for ok in ["v1", "v2", "v1alpha1", "v1beta2", "v10"] {
            validate_version(ok).unwrap();
        }
        for bad in [
            "1",
            "v",
            "v0",
            "V1",
            "v1alpha",
            "v1gamma1",
            "v1alpha01",
            "v1-beta1",
        ] {
            assert!(validate_version(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn kinds_groups_domains_and_project_names() {
        validate_kind("Guestbook").unwrap();
        assert!(validate_kind("guestbook").is_err());
        assert!(validate_kind("Guest_book").is_err());
        validate_group("webapp").unwrap();
        assert!(validate_group("WebApp").is_err());
        validate_domain("example.com").unwrap();
        assert!(validate_domain("example..com").is_err());
        validate_project_name("guestbook-operator").unwrap();
        assert!(validate_project_name("Guestbook_Operator").is_err());
        assert!(validate_project_name("1operator").is_err());
    }
}
