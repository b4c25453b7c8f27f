//! The manager's ClusterRole from `#[rbac(...)]` attributes, found by a static scan with syn.
//!
//! The scan reads source, it does not compile it: RBAC must be known before the operator is
//! built (a kubebuilder user gets role.yaml from comments the same way). The attribute macro
//! in the derive crate validates the same syntax at compile time, so what the scan reads is
//! what the compiler accepted.

use anyhow::{Context as _, Result, bail};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use syn::visit::Visit;

/// One `#[rbac(...)]` attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rule {
    pub groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
    pub urls: Vec<String>,
    pub verbs: Vec<String>,
}

/// A policy rule as Kubernetes serializes it (camelCase keys, empty lists omitted).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    pub verbs: Vec<String>,
}

/// Every `#[rbac]` rule in the `.rs` files below `dir`, in file order.
pub fn scan(dir: &Path) -> Result<Vec<Rule>> {
    let mut files = Vec::new();
    collect_rust_files(dir, &mut files)?;
    files.sort();
    let mut rules = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        rules.extend(scan_source(&source).with_context(|| format!("in {}", file.display()))?);
    }
    Ok(rules)
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rust_files(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

pub fn scan_source(source: &str) -> Result<Vec<Rule>> {
    let file = syn::parse_file(source).context("not valid Rust")?;
    let mut visitor = RbacVisitor::default();
    visitor.visit_file(&file);
    if let Some(error) = visitor.errors.into_iter().next() {
        let line = error.span().start().line;
        bail!("line {line}: invalid #[rbac]: {error}");
    }
    Ok(visitor.rules)
}

#[derive(Default)]
struct RbacVisitor {
    rules: Vec<Rule>,
    errors: Vec<syn::Error>,
}

impl<'ast> Visit<'ast> for RbacVisitor {
    fn visit_attribute(&mut self, attribute: &'ast syn::Attribute) {
        let is_rbac = attribute
            .path()
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "rbac");
        if is_rbac {
            match parse_rule(attribute) {
                Ok(rule) => self.rules.push(rule),
                Err(error) => self.errors.push(error),
            }
        }
    }
}

fn parse_rule(attribute: &syn::Attribute) -> syn::Result<Rule> {
    let mut rule = Rule::default();
    attribute.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        let target = match key.as_str() {
            "groups" => &mut rule.groups,
            "resources" => &mut rule.resources,
            "resource_names" => &mut rule.resource_names,
            "urls" => &mut rule.urls,
            "verbs" => &mut rule.verbs,
            _ => {
                return Err(meta.error("expected groups, resources, resource_names, urls or verbs"));
            }
        };
        let list: syn::ExprArray = meta.value()?.parse()?;
        for element in list.elems {
            match element {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => target.push(text.value()),
                other => return Err(syn::Error::new_spanned(other, "expected a string literal")),
            }
        }
        Ok(())
    })?;
    Ok(rule)
}

/// Merge rules the way controller-gen does, so role.yaml is minimal and stable: verbs of the
/// same (group, resource, names) are unioned, then resources of one group with the same verbs
/// and names share a rule. Resource rules come sorted, then non-resource URL rules.
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
    let mut policy: Vec<PolicyRule> = grouped
        .into_iter()
        .map(|((group, resource_names, verbs), resources)| PolicyRule {
            api_groups: vec![group],
            non_resource_urls: vec![],
            resource_names,
            resources: resources.into_iter().collect(),
            verbs,
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
        verbs,
    }));
    policy
}

/// The ClusterRole `manager-role` bound to the manager's ServiceAccount by config/rbac.
pub fn cluster_role(rules: &[Rule]) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": "manager-role" },
        "rules": normalize(rules),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
        use cargo_operator_runtime::rbac;
        #[rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["get", "list", "watch"])]
        #[rbac(groups = ["webapp.example.com"], resources = ["guestbooks/status"], verbs = ["get", "update", "patch"])]
        #[cargo_operator_runtime::rbac(groups = ["webapp.example.com"], resources = ["guestbooks"], verbs = ["update", "patch"])]
        #[rbac(groups = [""], resources = ["configmaps", "secrets"], verbs = ["get"], resource_names = ["a"])]
        pub async fn reconcile() {}
        impl X { #[rbac(urls = ["/healthz"], verbs = ["get"])] fn f() {} }
    "#;

    #[test]
    fn scans_every_rbac_attribute() {
        let rules = scan_source(SOURCE).unwrap();
        assert_eq!(rules.len(), 5);
        assert_eq!(rules[3].resource_names, ["a"]);
        assert_eq!(rules[4].urls, ["/healthz"]);
    }

    #[test]
    fn normalizes_like_controller_gen() {
        let rules = normalize(&scan_source(SOURCE).unwrap());
        let yaml = crate::manifests::yaml::document(&rules).unwrap();
        let expected = "---
- apiGroups:
  - ''
  resourceNames:
  - a
  resources:
  - configmaps
  - secrets
  verbs:
  - get
- apiGroups:
  - webapp.example.com
  resources:
  - guestbooks
  verbs:
  - get
  - list
  - patch
  - update
  - watch
- apiGroups:
  - webapp.example.com
  resources:
  - guestbooks/status
  verbs:
  - get
  - patch
  - update
- nonResourceURLs:
  - /healthz
  verbs:
  - get
";
        assert_eq!(yaml, expected);
    }

    #[test]
    fn malformed_attribute_names_the_line() {
        let error = scan_source("\n#[rbac(group = [\"x\"])]\nfn f() {}\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("line 2"), "{error}");
    }
}
