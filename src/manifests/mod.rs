//! Manifests from what the project compiles to: CRDs from the API types (the api crate's
//! `crdgen` example prints them), the manager's ClusterRole from the `#[rbac]` rules compiled
//! into the operator binary (which writes them before `main` when asked). Both are checked
//! against the API server's rules and written as deterministic YAML.

pub mod build;
pub mod cel;
pub mod fast;
pub mod reuse;
pub mod yaml;

use anyhow::{Result, bail};
use cargo_operator_core::{crd, schema};
use serde_json::Value;

/// Every problem the API server would find in a CRD: structural-schema violations, defaults
/// that break their schema, CEL rules that do not parse. `Err` lists them all.
pub fn check_crd(crd: &Value) -> Result<()> {
    let mut problems: Vec<String> = crd::schema_violations(crd)
        .iter()
        .map(ToString::to_string)
        .collect();
    for (i, version) in crd["spec"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(root) = version.pointer("/schema/openAPIV3Schema") {
            let path = format!("spec.versions[{i}].schema.openAPIV3Schema");
            problems.extend(
                schema::default::violations(root, &path)
                    .into_iter()
                    .map(|(path, why)| format!("{path}: {why}")),
            );
        }
    }
    let cel = cel::check_crd(crd);
    if !cel.is_empty() {
        problems.push("CEL rules that do not parse:".into());
        problems.extend(cel.into_iter().map(|e| format!("  {e}")));
    }
    if !problems.is_empty() {
        bail!(
            "CRD {} is not one the API server accepts:\n  {}",
            crd::name(crd),
            problems.join("\n  ")
        );
    }
    Ok(())
}
