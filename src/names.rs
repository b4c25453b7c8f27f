//! The one validation layer for the names and values a user gives on the command line or in
//! the project file: each checks the shape (with core's Kubernetes, Rust and cargo rules)
//! and what the name would collide with, and fails with one line naming the value, the
//! rule and a fix.

use anyhow::{Result, bail};
use cargo_operator_core::names;

/// Names the generated code declares or imports next to a kind's own types: a kind with one
/// of these names would clash with them in the scaffolded modules.
const GENERATED_NAMES: &[&str] = &[
    // src/controller/<kind>.rs
    "Action",
    "Api",
    "Arc",
    "BTreeMap",
    "ConfigMap",
    "Context",
    "Controller",
    "Duration",
    "EventType",
    "ObjectMeta",
    "Patch",
    "PatchParams",
    "ReconcileError",
    "ResourceExt",
    // api/src/<group>/<version>/<kind>.rs
    "Condition",
    "CustomResource",
    "Deserialize",
    "JsonSchema",
    "Serialize",
];

/// The packages a generated project depends on: a project name equal to one (as a crate
/// name) would make cargo see two crates of that name.
const DEPENDENCIES: &[&str] = &[
    "api",
    "cargo-operator-runtime",
    "k8s-openapi",
    "kube",
    "schemars",
    "serde",
    "serde-json",
    "tokio",
];

fn invalid(what: &str, value: &str, why: &str, fix: &str) -> anyhow::Error {
    anyhow::anyhow!("invalid {what} `{value}`: it {why}; {fix}")
}

pub fn validate_project_name(name: &str) -> Result<()> {
    let kebab = heck::ToKebabCase::to_kebab_case(name);
    let example = if kebab != name && names::dns1035_label(&kebab).is_ok() {
        kebab
    } else {
        "guestbook-operator".to_string()
    };
    let fix = format!(
        "use lowercase letters, digits and `-`, starting with a letter (it names the cargo package, the binary, the image and Kubernetes objects), e.g. `{example}`"
    );
    names::cargo_package(name).map_err(|why| invalid("project name", name, &why, &fix))?;
    names::dns1035_label(name).map_err(|why| invalid("project name", name, &why, &fix))?;
    // `<name>-controller-manager-metrics-service` must stay a DNS label (a Service name).
    let longest = format!("{name}-controller-manager-metrics-service");
    if longest.len() > 63 {
        return Err(invalid(
            "project name",
            name,
            &format!(
                "is too long: the metrics Service `{longest}` would have {} characters, and a Service name has at most 63",
                longest.len()
            ),
            &format!(
                "use at most {} characters",
                63 - (longest.len() - name.len())
            ),
        ));
    }
    let crate_name = name.replace('-', "_");
    if let Some(dep) = DEPENDENCIES.iter().find(|d| {
        d.replace('-', "_") == crate_name || format!("{crate_name}_api") == d.replace('-', "_")
    }) {
        return Err(invalid(
            "project name",
            name,
            &format!("collides with the generated project's dependency `{dep}`"),
            "choose another name, e.g. add `-operator`",
        ));
    }
    Ok(())
}

pub fn validate_domain(what: &str, domain: &str) -> Result<()> {
    names::dns_subdomain(domain).map_err(|why| {
        invalid(
            what,
            domain,
            &why,
            "use a lowercase DNS name such as `example.com` (the API group of every resource ends with it)",
        )
    })
}

pub fn validate_group(what: &str, group: &str, domain: &str) -> Result<()> {
    let fix =
        "use a lowercase DNS label such as `webapp`; the domain is appended to form the API group";
    names::dns_subdomain(group).map_err(|why| invalid(what, group, &why, fix))?;
    names::rust_identifier(&names::module_name(group)).map_err(|why| {
        invalid(
            what,
            group,
            &format!(
                "names the Rust module `{}`, which {why}",
                names::module_name(group)
            ),
            fix,
        )
    })?;
    let full = format!("{group}.{domain}");
    names::api_group(&full).map_err(|why| {
        invalid(
            what,
            group,
            &format!("makes the API group `{full}`, which {why}"),
            fix,
        )
    })
}

pub fn validate_version(what: &str, version: &str) -> Result<()> {
    names::kube_version(version)
        .map_err(|why| invalid(what, version, &why, "use e.g. v1, v1alpha1 or v2beta1"))
}

pub fn validate_kind(what: &str, kind: &str) -> Result<()> {
    let fix = "use UpperCamelCase ASCII letters and digits, e.g. `Guestbook`";
    names::kind(kind).map_err(|why| invalid(what, kind, &why, fix))?;
    names::rust_identifier(kind).map_err(|why| {
        invalid(
            what,
            kind,
            &format!("names the generated Rust type, and {why}"),
            "choose another kind name",
        )
    })?;
    if GENERATED_NAMES.contains(&kind) {
        return Err(invalid(
            what,
            kind,
            "is a name the scaffolded code already uses next to the kind's types",
            "choose another kind name",
        ));
    }
    names::rust_identifier(&names::snake_case(kind)).map_err(|why| {
        invalid(
            what,
            kind,
            &format!(
                "names the Rust module `{}`, which {why}",
                names::snake_case(kind)
            ),
            "choose another kind name",
        )
    })
}

pub fn validate_plural(what: &str, plural: &str) -> Result<()> {
    names::dns1035_label(plural).map_err(|why| {
        invalid(
            what,
            plural,
            &why,
            "use a lowercase plural such as `guestbooks`",
        )
    })
}

pub fn validate_image(what: &str, image: &str) -> Result<()> {
    names::image(image).map_err(|why| {
        invalid(
            what,
            image,
            &why,
            "write an image reference such as `registry.example.com/team/operator:v0.1.0`",
        )
    })
}

/// One kind's names, for [`check_collisions`].
#[derive(Debug, Clone, Copy)]
pub struct KindNames<'a> {
    pub group: &'a str,
    pub kind: &'a str,
    pub plural: &'a str,
}

/// A new kind must not take another kind's names: the API server answers a CRD whose kind,
/// list kind or plural another CRD of the group already uses by taking the *existing* CRD out
/// of service (`NamesAccepted=False`).
pub fn check_collisions<'a>(
    existing: impl IntoIterator<Item = KindNames<'a>>,
    new: KindNames<'_>,
) -> Result<()> {
    for other in existing.into_iter().filter(|r| r.group == new.group) {
        if other.kind == new.kind {
            continue;
        }
        let clash = if other.plural == new.plural {
            Some(format!("its plural `{}`", new.plural))
        } else if format!("{}List", other.kind) == new.kind {
            Some(format!("the list kind of {}", other.kind))
        } else if format!("{}List", new.kind) == other.kind {
            Some(format!(
                "its list kind `{}List`, a kind of this group",
                new.kind
            ))
        } else if names::singular(other.kind) == new.plural
            || other.plural == names::singular(new.kind)
        {
            Some("a resource name of another kind".to_string())
        } else {
            None
        };
        if let Some(clash) = clash {
            bail!(
                "--kind {} in group {} clashes with {} ({clash}); the API server would take the existing CRD out of service; choose another kind or --plural",
                new.kind,
                new.group,
                other.kind
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_for_shape_and_collisions() {
        validate_kind("--kind", "Guestbook").unwrap();
        validate_kind("--kind", "HTTPRoute").unwrap();
        for bad in [
            "guestbook",
            "Guest_book",
            "Self",
            "Option",
            "Context",
            "Box",
        ] {
            assert!(validate_kind("--kind", bad).is_err(), "{bad}");
        }
        validate_group("--group", "webapp", "example.com").unwrap();
        for bad in ["WebApp", "crate", "a..b"] {
            assert!(
                validate_group("--group", bad, "example.com").is_err(),
                "{bad}"
            );
        }
        assert!(validate_group("--group", "x", &format!("{}.com", "a".repeat(250))).is_err());
        validate_project_name("guestbook-operator").unwrap();
        for bad in [
            "Guestbook_Operator",
            "1operator",
            "tokio",
            "api",
            "test",
            &"a".repeat(40),
        ] {
            assert!(validate_project_name(bad).is_err(), "{bad}");
        }
        validate_version("--version", "v1alpha1").unwrap();
        assert!(validate_version("--version", "v1-beta1").is_err());
    }
}
