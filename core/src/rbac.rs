//! RBAC: the grammar of one `#[rbac(...)]` rule, the verbs Kubernetes knows, and how
//! controller-gen merges rules into a minimal, stable ClusterRole.
//!
//! The derive checks each attribute with [`check`] at compile time and registers it in the
//! program as a [`StaticRule`]; `cargo operator manifests` reads the registered rules from the
//! built operator and writes [`cluster_role`] of them.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Verbs on resources: the API server's request verbs, plus the verbs RBAC itself and a few
/// built-in APIs check (`bind`/`escalate` on roles, `impersonate` on users, groups and
/// service accounts, `approve`/`sign` on certificate signing requests, `use` on
/// security policies), and `*`.
pub const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "bind",
    "escalate",
    "impersonate",
    "approve",
    "sign",
    "use",
    "*",
];

/// Verbs on non-resource URLs: the HTTP method, lowercased, and `*`.
pub const URL_VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "*",
];

/// The keys of `#[rbac(...)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Groups,
    Resources,
    ResourceNames,
    Urls,
    Verbs,
}

impl Key {
    /// Every key, in the order the attribute reference lists them.
    pub const ALL: [Key; 5] = [
        Key::Groups,
        Key::Resources,
        Key::Verbs,
        Key::ResourceNames,
        Key::Urls,
    ];

    /// The key as written in the attribute.
    pub fn name(self) -> &'static str {
        match self {
            Key::Groups => "groups",
            Key::Resources => "resources",
            Key::ResourceNames => "resource_names",
            Key::Urls => "urls",
            Key::Verbs => "verbs",
        }
    }
}

/// An example of a complete rule, for messages.
pub const EXAMPLE: &str = r#"#[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]"#;

/// One rule as written: each key's list of strings, `None` when the key is absent.
#[derive(Debug, Clone, Default)]
pub struct RuleInput<'a> {
    pub groups: Option<&'a [String]>,
    pub resources: Option<&'a [String]>,
    pub resource_names: Option<&'a [String]>,
    pub urls: Option<&'a [String]>,
    pub verbs: Option<&'a [String]>,
}

/// What is wrong with one rule: the key (and the element of its list, if one is to blame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub key: Key,
    pub item: Option<usize>,
    /// `false` when the key is missing altogether (blame the whole attribute).
    pub present: bool,
    pub message: String,
}

/// Every problem of one rule, in a stable order.
pub fn check(rule: &RuleInput<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |key: Key, item: Option<usize>, present: bool, message: String| {
        out.push(Problem {
            key,
            item,
            present,
            message,
        })
    };
    let urls = rule.urls.is_some();
    let allowed = if urls { URL_VERBS } else { RESOURCE_VERBS };
    match rule.verbs {
        None => push(
            Key::Verbs,
            None,
            false,
            format!("#[rbac] needs `verbs`: write `{EXAMPLE}`"),
        ),
        Some([]) => push(
            Key::Verbs,
            None,
            true,
            r#"`verbs` must not be empty: write e.g. `verbs = ["get", "list", "watch"]`"#.into(),
        ),
        Some(verbs) => {
            for (i, verb) in verbs.iter().enumerate() {
                if !allowed.contains(&verb.as_str()) {
                    let what = if urls {
                        "verbs on non-resource URLs are HTTP methods"
                    } else {
                        "valid verbs are"
                    };
                    push(
                        Key::Verbs,
                        Some(i),
                        true,
                        format!("unknown verb `{verb}`; {what}: {}", allowed.join(", ")),
                    );
                }
            }
        }
    }
    if urls {
        for (key, list) in [
            (Key::Groups, rule.groups),
            (Key::Resources, rule.resources),
            (Key::ResourceNames, rule.resource_names),
        ] {
            if list.is_some() {
                push(
                    key,
                    None,
                    true,
                    format!(
                        "`{}` cannot be combined with `urls` (non-resource URLs): write two #[rbac] attributes",
                        key.name()
                    ),
                );
            }
        }
        for (i, url) in rule.urls.into_iter().flatten().enumerate() {
            if !(url.starts_with('/') || url == "*") {
                push(
                    Key::Urls,
                    Some(i),
                    true,
                    r#"a non-resource URL starts with `/`: write e.g. `urls = ["/metrics"]`"#
                        .into(),
                );
            }
        }
        return out;
    }
    for (key, list) in [(Key::Groups, rule.groups), (Key::Resources, rule.resources)] {
        match list {
            None => push(
                key,
                None,
                false,
                format!("#[rbac] needs `{}`: write `{EXAMPLE}`", key.name()),
            ),
            Some([]) => push(
                key,
                None,
                true,
                match key {
                    Key::Groups => {
                        r#"`groups` must not be empty: write `groups = [""]` for the core group"#
                    }
                    _ => {
                        r#"`resources` must not be empty: write e.g. `resources = ["guestbooks"]`"#
                    }
                }
                .into(),
            ),
            Some(_) => {}
        }
    }
    for (i, group) in rule.groups.into_iter().flatten().enumerate() {
        if let Some(message) = group_problem(group) {
            push(Key::Groups, Some(i), true, message);
        }
    }
    for (i, resource) in rule.resources.into_iter().flatten().enumerate() {
        if !is_resource(resource) {
            push(
                Key::Resources,
                Some(i),
                true,
                "a resource is a lowercase plural like `guestbooks`, optionally with a subresource like `guestbooks/status`, or `\"*\"`".into(),
            );
        }
    }
    for (i, name) in rule.resource_names.into_iter().flatten().enumerate() {
        if name.is_empty() {
            push(
                Key::ResourceNames,
                Some(i),
                true,
                "a resource name must not be empty".into(),
            );
        }
    }
    out
}

fn group_problem(group: &str) -> Option<String> {
    if group == "core" || group == "v1" {
        return Some(r#"the core API group is written `""`: write `groups = [""]`"#.into());
    }
    if group == "*" || group.is_empty() || crate::names::is_dns_subdomain(group) {
        return None;
    }
    Some("an API group is a lowercase DNS subdomain like `apps` or `webapp.example.com`, `\"\"` for core, or `\"*\"`".into())
}

/// A resource (a lowercase plural), optionally with a subresource, each part possibly `*`.
pub(crate) fn is_resource(resource: &str) -> bool {
    resource == "*"
        || resource.split('/').count() <= 2
            && resource
                .split('/')
                .all(|part| part == "*" || crate::names::is_dns_label(part))
}

/// One rule as the program registers it (`#[rbac]` expands to a `static` of this), with
/// where it was written.
#[derive(Debug, Clone, Copy)]
pub struct StaticRule {
    pub groups: &'static [&'static str],
    pub resources: &'static [&'static str],
    pub resource_names: &'static [&'static str],
    pub urls: &'static [&'static str],
    pub verbs: &'static [&'static str],
    /// `module::path` of the item carrying the attribute.
    pub module: &'static str,
}

impl StaticRule {
    pub fn to_rule(&self) -> Rule {
        let owned = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        Rule {
            groups: owned(self.groups),
            resources: owned(self.resources),
            resource_names: owned(self.resource_names),
            urls: owned(self.urls),
            verbs: owned(self.verbs),
        }
    }
}

/// One rule, owned; what the program prints for `manifests`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Rule {
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub urls: Vec<String>,
    pub verbs: Vec<String>,
}

/// The rules a program registers, each with the `module::path` it was written in, in the
/// order the program reports them: by module, then by rule. Neither the linker's order nor
/// the reader's (a built operator, or `manifests` reading its source) changes it.
pub fn in_program_order(mut rules: Vec<(String, Rule)>) -> Vec<Rule> {
    rules.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| format!("{:?}", a.1).cmp(&format!("{:?}", b.1)))
    });
    rules.into_iter().map(|(_, rule)| rule).collect()
}

/// A policy rule as Kubernetes serializes it (camelCase keys, empty lists omitted).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(
        default,
        rename = "nonResourceURLs",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub non_resource_urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
}

/// Merges rules the way controller-gen does, so role.yaml is minimal and stable: verbs of the
/// same (group, resource, names) are unioned, then resources of one group with the same verbs
/// and names share a rule, then groups with the same resources, verbs and names; a rule
/// holding `*` holds only `*`. Resource rules come sorted, then non-resource URL rules.
pub fn normalize(rules: &[Rule]) -> Vec<PolicyRule> {
    type Key = (String, String, Vec<String>);
    let mut verbs_by_resource: BTreeMap<Key, BTreeSet<String>> = BTreeMap::new();
    let mut verbs_by_url: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for rule in rules {
        let mut names = rule.resource_names.clone();
        names.sort();
        names.dedup();
        for group in &rule.groups {
            for resource in &rule.resources {
                verbs_by_resource
                    .entry((group.clone(), resource.clone(), names.clone()))
                    .or_default()
                    .extend(rule.verbs.iter().cloned());
            }
        }
        for url in &rule.urls {
            verbs_by_url
                .entry(url.clone())
                .or_default()
                .extend(rule.verbs.iter().cloned());
        }
    }
    let mut grouped: BTreeMap<(String, Vec<String>, Vec<String>), BTreeSet<String>> =
        BTreeMap::new();
    for ((group, resource, names), verbs) in verbs_by_resource {
        grouped
            .entry((group, names, verbs.into_iter().collect()))
            .or_default()
            .insert(resource);
    }
    type SameAccess = (Vec<String>, Vec<String>, Vec<String>);
    let mut groups_by_access: BTreeMap<SameAccess, BTreeSet<String>> = BTreeMap::new();
    for ((group, names, verbs), resources) in grouped {
        groups_by_access
            .entry((resources.into_iter().collect(), names, verbs))
            .or_default()
            .insert(group);
    }
    let mut policy: Vec<PolicyRule> = groups_by_access
        .into_iter()
        .map(|((resources, resource_names, verbs), groups)| PolicyRule {
            api_groups: groups.into_iter().collect(),
            non_resource_urls: vec![],
            resource_names,
            resources,
            verbs: only_star_if_any(verbs),
        })
        .collect();
    policy.sort();
    let mut urls_by_verbs: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for (url, verbs) in verbs_by_url {
        urls_by_verbs
            .entry(verbs.into_iter().collect())
            .or_default()
            .push(url);
    }
    policy.extend(urls_by_verbs.into_iter().map(|(verbs, urls)| PolicyRule {
        api_groups: vec![],
        non_resource_urls: urls,
        resource_names: vec![],
        resources: vec![],
        verbs: only_star_if_any(verbs),
    }));
    policy
}

/// `*` already grants every other verb.
fn only_star_if_any(verbs: Vec<String>) -> Vec<String> {
    if verbs.iter().any(|v| v == "*") {
        vec!["*".to_string()]
    } else {
        verbs
    }
}

/// The name of the ClusterRole the manager's ServiceAccount is bound to (kubebuilder's).
pub const MANAGER_ROLE: &str = "manager-role";

/// The ClusterRole `name` holding the normalised `rules`.
pub fn cluster_role(name: &str, rules: &[Rule]) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": name },
        "rules": normalize(rules),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Rule {
        Rule {
            groups: strings(groups),
            resources: strings(resources),
            verbs: strings(verbs),
            ..Rule::default()
        }
    }

    #[test]
    fn every_kubernetes_verb_is_accepted() {
        let (groups, resources) = (strings(&["rbac.authorization.k8s.io"]), strings(&["roles"]));
        let verbs = strings(&["bind", "escalate", "get"]);
        let input = RuleInput {
            groups: Some(&groups),
            resources: Some(&resources),
            verbs: Some(&verbs),
            ..RuleInput::default()
        };
        assert_eq!(check(&input), []);
        let (urls, post) = (strings(&["/api/*"]), strings(&["post", "get"]));
        let input = RuleInput {
            urls: Some(&urls),
            verbs: Some(&post),
            ..RuleInput::default()
        };
        assert_eq!(check(&input), []);
    }

    #[test]
    fn problems_name_their_key_and_item() {
        let (groups, resources, verbs) = (
            strings(&["core"]),
            strings(&["Pods"]),
            strings(&["get", "fly"]),
        );
        let input = RuleInput {
            groups: Some(&groups),
            resources: Some(&resources),
            verbs: Some(&verbs),
            ..RuleInput::default()
        };
        let problems = check(&input);
        let at: Vec<_> = problems.iter().map(|p| (p.key, p.item)).collect();
        assert_eq!(
            at,
            [
                (Key::Verbs, Some(1)),
                (Key::Groups, Some(0)),
                (Key::Resources, Some(0))
            ]
        );
        assert!(problems[0].message.contains("unknown verb `fly`"));
        let input = RuleInput {
            verbs: Some(&verbs[..1]),
            ..RuleInput::default()
        };
        let missing: Vec<_> = check(&input)
            .into_iter()
            .map(|p| (p.key, p.present))
            .collect();
        assert_eq!(missing, [(Key::Groups, false), (Key::Resources, false)]);
    }

    #[test]
    fn normalizes_like_controller_gen() {
        let mut names = rule(&[""], &["configmaps", "secrets"], &["get"]);
        names.resource_names = strings(&["a"]);
        let rules = [
            rule(
                &["webapp.example.com"],
                &["guestbooks"],
                &["get", "list", "watch"],
            ),
            rule(
                &["webapp.example.com"],
                &["guestbooks/status"],
                &["get", "update", "patch"],
            ),
            rule(
                &["webapp.example.com"],
                &["guestbooks"],
                &["update", "patch"],
            ),
            names,
            Rule {
                urls: strings(&["/healthz"]),
                verbs: strings(&["get"]),
                ..Rule::default()
            },
            rule(&["apps"], &["deployments"], &["get", "list"]),
            rule(&["batch"], &["deployments"], &["list", "get"]),
            rule(&["policy"], &["poddisruptionbudgets"], &["*", "get"]),
        ];
        let value = serde_json::to_value(normalize(&rules)).unwrap();
        assert_eq!(
            value,
            serde_json::json!([
                {"apiGroups": [""], "resourceNames": ["a"], "resources": ["configmaps", "secrets"], "verbs": ["get"]},
                {"apiGroups": ["apps", "batch"], "resources": ["deployments"], "verbs": ["get", "list"]},
                {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["*"]},
                {"apiGroups": ["webapp.example.com"], "resources": ["guestbooks"], "verbs": ["get", "list", "patch", "update", "watch"]},
                {"apiGroups": ["webapp.example.com"], "resources": ["guestbooks/status"], "verbs": ["get", "patch", "update"]},
                {"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
            ])
        );
    }
}
