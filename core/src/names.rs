//! Names: what Kubernetes accepts for groups, versions, kinds and resource names, what Rust
//! and cargo accept for the identifiers and packages those names become, and the plural of
//! a kind.
//!
//! Every check returns `Err(why)`, a phrase that completes "`<value>` is invalid: …" and
//! names the rule; callers add which flag or attribute held the value and how to fix it.

/// The plural resource name of a kind, e.g. `Guestbook` → `guestbooks`.
///
/// Uses the `pluralizer` crate (a port of pluralize.js, which handles irregulars such as
/// Policy → policies, Ingress → ingresses, Child → children) over the lowercased kind, so the
/// CLI and `#[derive(CustomResource)]` always agree on the plural.
pub fn plural(kind: &str) -> String {
    pluralizer::pluralize(&kind.to_lowercase(), 2, false)
}

/// The singular resource name of a kind: the kind lowercased (kubebuilder's and the API
/// server's default).
pub fn singular(kind: &str) -> String {
    kind.to_lowercase()
}

/// A lowercase RFC 1123 DNS label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
/// Namespaces, short names and most object names must be one.
pub fn dns_label(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("must not be empty".into());
    }
    if value.len() > 63 {
        return Err(format!(
            "is {} characters long; a DNS label has at most 63",
            value.len()
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "contains {c:?}; a DNS label has only lowercase letters, digits and '-'"
        ));
    }
    if value.starts_with('-') || value.ends_with('-') {
        return Err(
            "starts or ends with '-'; a DNS label starts and ends with a letter or digit".into(),
        );
    }
    Ok(())
}

/// A port name (IANA_SVC_NAME, a container's `ports[].name`): at most 15 characters of
/// lowercase letters, digits and '-', with at least one letter, and no '-' at either end or
/// next to another.
pub fn port_name(value: &str) -> Result<(), String> {
    if value.is_empty() || value.len() > 15 {
        return Err(format!(
            "is {} characters long; a port name has 1 to 15",
            value.len()
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "contains {c:?}; a port name has only lowercase letters, digits and '-'"
        ));
    }
    if !value.contains(|c: char| c.is_ascii_lowercase()) {
        return Err("has no letter; a port name needs one".into());
    }
    if value.starts_with('-') || value.ends_with('-') || value.contains("--") {
        return Err("has '-' at an end or twice in a row; a port name may not".into());
    }
    Ok(())
}

/// The [`port_name`] of an object named `name` (a DNS label with a letter, such as a kind in
/// kebab case): its first 15 characters, without the '-' the cut may leave at the end.
pub fn port_name_for(name: &str) -> String {
    let cut = &name[..name.len().min(15)];
    cut.trim_end_matches('-').replace("--", "-")
}

/// An RFC 1035 DNS label: a [`dns_label`] that starts with a letter. Resource names
/// (plural, singular), short names, categories and CRD version names must be one.
pub fn dns1035_label(value: &str) -> Result<(), String> {
    dns_label(value)?;
    if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("starts with a digit; it must start with a lowercase letter".into());
    }
    Ok(())
}

/// A lowercase RFC 1123 DNS subdomain: dot-separated [`dns_label`]s, at most 253 characters.
pub fn dns_subdomain(value: &str) -> Result<(), String> {
    if value.len() > 253 {
        return Err(format!(
            "is {} characters long; a DNS subdomain has at most 253",
            value.len()
        ));
    }
    for label in value.split('.') {
        dns_label(label).map_err(|why| match label {
            "" => "has an empty part between dots".to_string(),
            _ => format!("has the part `{label}`, which {why}"),
        })?;
    }
    Ok(())
}

/// Whether `value` is a [`dns_label`].
pub fn is_dns_label(value: &str) -> bool {
    dns_label(value).is_ok()
}

/// Whether `value` is a [`dns_subdomain`].
pub fn is_dns_subdomain(value: &str) -> bool {
    dns_subdomain(value).is_ok()
}

/// The API group of a CRD: a DNS subdomain with at least one dot (the API server refuses a
/// CRD whose group has none, so that custom groups never shadow built-in ones).
pub fn api_group(group: &str) -> Result<(), String> {
    dns_subdomain(group)?;
    if !group.contains('.') {
        return Err(
            "has no dot; a custom resource's group is a domain such as `webapp.example.com`".into(),
        );
    }
    Ok(())
}

/// The version of a CRD as the API server checks it: an RFC 1035 label (`v1`, `v2beta3`,
/// but also `stable`).
pub fn crd_version(version: &str) -> Result<(), String> {
    dns1035_label(version).map_err(|why| {
        format!("{why} (a version is an RFC 1035 label such as `v1`, `v1alpha1` or `v2beta3`)")
    })
}

/// A Kubernetes-style API version, `v<N>` optionally followed by `alpha<N>` or `beta<N>`
/// (`v1`, `v1alpha1`, `v2beta3`): what kubebuilder accepts for `--version`, and the shape the
/// API server sorts by priority.
pub fn kube_version(version: &str) -> Result<(), String> {
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
    if valid {
        Ok(())
    } else {
        Err("is not a Kubernetes API version such as v1, v1alpha1 or v2beta1".into())
    }
}

/// A kind: an ASCII uppercase letter, then ASCII letters and digits (`Guestbook`,
/// `HTTPRoute`), whose lowercase form is an RFC 1035 label, as the API server requires of
/// `names.kind`, with room for its `<Kind>List`.
pub fn kind(kind: &str) -> Result<(), String> {
    if !kind.starts_with(|c: char| c.is_ascii_uppercase()) {
        return Err(
            "must start with an uppercase ASCII letter (UpperCamelCase, e.g. `Guestbook`)".into(),
        );
    }
    if let Some(c) = kind.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(format!(
            "contains {c:?}; a kind has only ASCII letters and digits"
        ));
    }
    let list_kind = format!("{kind}List");
    if list_kind.len() > 63 {
        return Err(format!(
            "is {} characters long; with `List` appended (the list kind) it must fit in 63",
            kind.len()
        ));
    }
    Ok(())
}

/// The full name of a CRD, `<plural>.<group>`, which must be a DNS subdomain.
pub fn crd_name(plural: &str, group: &str) -> Result<(), String> {
    let name = format!("{plural}.{group}");
    dns_subdomain(&name).map_err(|why| format!("makes the CRD name `{name}`, which {why}"))
}

/// Rust's keywords — strict, reserved and the 2024 edition's `gen` — which cannot name a
/// module, type or crate (`r#` aside, which generated code does not use).
pub const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names in scope in every Rust module (the 2024 prelude and the primitive types): a type
/// with one of these names shadows the standard one in its module, and generated code that
/// says `Option<i32>` or `String` would then mean the user's type.
pub const RUST_PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
    "bool",
    "char",
    "f32",
    "f64",
    "i128",
    "i16",
    "i32",
    "i64",
    "i8",
    "isize",
    "str",
    "u128",
    "u16",
    "u32",
    "u64",
    "u8",
    "usize",
];

/// A container image reference, as the container runtime parses it:
/// `[registry[:port]/]path[:tag][@digest]`, the path's components lowercase alphanumerics
/// joined by `.`, `_`, `__` or `-`; a tag of at most 128 word characters, `.` and `-`, not
/// starting with `.` or `-`.
pub fn image(reference: &str) -> Result<(), String> {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let Some((algorithm, hex)) = digest.split_once(':') else {
            return Err(format!(
                "has the digest `{digest}`, which is not `<algorithm>:<hex>`"
            ));
        };
        if algorithm.is_empty() || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "has the digest `{digest}`, which is not `<algorithm>:<hex>`"
            ));
        }
    }
    // A tag follows the last `:` after the last `/` (a `:` before it is a registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        let ok = !tag.is_empty()
            && tag.len() <= 128
            && !tag.starts_with(['.', '-'])
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return Err(format!(
                "has the tag `{tag}`, but a tag is 1-128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`"
            ));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 && (components[0].contains(['.', ':']) || components[0] == "localhost")
    {
        components.remove(0); // the registry: a host name with an optional port
    }
    for component in components {
        let ok = !component.is_empty()
            && component.split(['.', '_', '-']).all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
        if !ok {
            return Err(format!(
                "has `{component}` in its path, but path components are lowercase letters and digits joined by `.`, `_` or `-`"
            ));
        }
    }
    Ok(())
}

/// A name that becomes a Rust identifier (a type or a module): not a keyword, not a
/// prelude name.
pub fn rust_identifier(name: &str) -> Result<(), String> {
    if RUST_KEYWORDS.contains(&name) {
        return Err("is a Rust keyword".into());
    }
    if RUST_PRELUDE.contains(&name) {
        return Err("is a name of Rust's prelude, which the generated code relies on".into());
    }
    Ok(())
}

/// Package names cargo refuses: its own directory names and the built-in crates.
const CARGO_RESERVED: &[&str] = &[
    "alloc",
    "build",
    "core",
    "deps",
    "examples",
    "incremental",
    "proc-macro",
    "proc_macro",
    "std",
    "test",
];

/// File names Windows reserves, which cargo refuses as package names.
const WINDOWS_RESERVED: &[&str] = &[
    "aux", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9", "con", "lpt1",
    "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "nul", "prn",
];

/// A cargo package name (and the crate name it implies, `-` read as `_`): what `cargo new`
/// accepts.
pub fn cargo_package(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("must not be empty".into());
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("starts with a digit, which cargo refuses in a package name".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "contains {c:?}; a cargo package name has only letters, digits, '-' and '_'"
        ));
    }
    let crate_name = name.replace('-', "_");
    if RUST_KEYWORDS.contains(&crate_name.as_str()) {
        return Err("is a Rust keyword, which cargo refuses as a package name".into());
    }
    if CARGO_RESERVED.contains(&name) || CARGO_RESERVED.contains(&crate_name.as_str()) {
        return Err("is reserved by cargo (a built-in crate or one of its directory names)".into());
    }
    if WINDOWS_RESERVED.contains(&name.to_ascii_lowercase().as_str()) {
        return Err("is a reserved file name on Windows, which cargo refuses".into());
    }
    Ok(())
}

/// The Rust module name for a group or version (`my-group` → `my_group`, `v1` → `v1`).
pub fn module_name(value: &str) -> String {
    value.replace(['.', '-'], "_").to_lowercase()
}

/// The snake_case form of an UpperCamelCase kind, as its module and file are named:
/// `Guestbook` → `guestbook`, `HTTPRoute` → `http_route` (heck's word splitting, which is
/// kubebuilder's too).
pub fn snake_case(kind: &str) -> String {
    heck::ToSnakeCase::to_snake_case(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names_fit_the_rule() {
        for name in [
            "guestbook",
            "http-route",
            "memcached-operator-x",
            "abcdefghijklmn-x",
            "a1",
        ] {
            let port = port_name_for(name);
            assert_eq!(port_name(&port), Ok(()), "{name} -> {port}");
            assert!(name.starts_with(&port), "{name} -> {port}");
        }
        assert_eq!(port_name_for("abcdefghijklmn-x"), "abcdefghijklmn");
        for bad in ["", "1234", "-a", "a-", "a--b", "A", "abcdefghijklmnop"] {
            assert!(port_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn image_references_are_checked_like_the_container_runtime_does() {
        for good in [
            "controller:latest",
            "registry.example.com/team/operator:v0.1.0",
            "localhost:5000/op",
            "ghcr.io/a_b/c-d.e:1.2.3-rc.1",
            "op@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert!(image(good).is_ok(), "{good}: {:?}", image(good));
        }
        for bad in [
            "Operator:v1",
            "op:",
            "op:-x",
            "reg.io//op",
            "op@sha256:xyz",
            "a b",
        ] {
            assert!(image(bad).is_err(), "{bad}");
        }
    }

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
            ("Status", "statuses"),
            ("HTTPRoute", "httproutes"),
        ] {
            assert_eq!(plural(kind), expected, "plural of {kind}");
        }
    }

    #[test]
    fn dns_names() {
        assert!(dns_label("guestbook-1").is_ok());
        assert!(dns_label("1abc").is_ok());
        assert!(dns1035_label("1abc").is_err());
        for bad in ["", "-a", "a-", "A", "a_b", &"a".repeat(64)] {
            assert!(dns_label(bad).is_err(), "{bad:?}");
        }
        assert!(dns_subdomain("webapp.example.com").is_ok());
        assert!(dns_subdomain("example..com").is_err());
        assert!(dns_subdomain(&format!("{}.com", "a".repeat(250))).is_err());
        assert!(api_group("webapp.example.com").is_ok());
        assert!(api_group("webapp").unwrap_err().contains("no dot"));
    }

    #[test]
    fn versions() {
        for ok in ["v1", "v2", "v1alpha1", "v1beta2", "v10"] {
            kube_version(ok).unwrap();
            crd_version(ok).unwrap();
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
            assert!(kube_version(bad).is_err(), "{bad} should be rejected");
        }
        assert!(crd_version("stable").is_ok());
        assert!(crd_version("1").is_err());
    }

    #[test]
    fn kinds() {
        for ok in ["Guestbook", "HTTPRoute", "PodSet2", "A"] {
            kind(ok).unwrap();
        }
        for bad in [
            "guestbook",
            "Guest_book",
            "Guest-book",
            "",
            "Ä",
            &"A".repeat(60),
        ] {
            assert!(kind(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rust_and_cargo_names() {
        assert!(rust_identifier("Self").unwrap_err().contains("keyword"));
        assert!(rust_identifier("Option").unwrap_err().contains("prelude"));
        assert!(rust_identifier("Guestbook").is_ok());
        for bad in ["test", "core", "crate", "1op", "con", "deps", "a b", ""] {
            assert!(cargo_package(bad).is_err(), "{bad:?}");
        }
        assert!(cargo_package("guestbook-operator").is_ok());
    }

    #[test]
    fn snake_case_splits_acronyms_like_heck() {
        for (kind, snake) in [
            ("Guestbook", "guestbook"),
            ("HTTPRoute", "http_route"),
            ("MyHTTPServer", "my_http_server"),
            ("PodSet2", "pod_set2"),
            ("CronJob", "cron_job"),
            ("ABC", "abc"),
        ] {
            assert_eq!(snake_case(kind), snake, "{kind}");
        }
    }
}
