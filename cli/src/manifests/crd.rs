//! CRDs from the API types: compile the api crate, ask it for its CRDs, merge the versions
//! of each kind into one CRD, and name the files like controller-gen (`<group>_<plural>.yaml`).

use anyhow::{Context as _, Result, bail};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// Build and run the api crate's `crdgen` example, which prints `api::crds()` as JSON.
///
/// Compiling the user's types is the only faithful way to get their schemas: schemars sees
/// what serde sees (renames, flattening, defaults), which a source scan cannot know.
pub fn generate(root: &Path, api_package: &str) -> Result<Vec<CustomResourceDefinition>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "--package",
            api_package,
            "--example",
            "crdgen",
        ])
        .stderr(Stdio::inherit())
        .output()
        .context("cannot run cargo")?;
    if !output.status.success() {
        bail!(
            "could not get the CRDs from api/ (see above): either the API types do not compile, \
             or a type has no CRD schema (the panic message says which and what to do); fix it \
             and re-run `cargo operator manifests`"
        );
    }
    serde_json::from_slice(&output.stdout)
        .context("the api crate's crdgen example printed something that is not a list of CRDs")
}

/// Merge the per-version CRDs of each kind into one CRD per name, in a stable order.
///
/// Every version of a kind must agree on scope and names, and exactly one may be stored.
pub fn merge(crds: Vec<CustomResourceDefinition>) -> Result<Vec<CustomResourceDefinition>> {
    let mut merged: BTreeMap<String, CustomResourceDefinition> = BTreeMap::new();
    for crd in crds {
        let name = crd
            .metadata
            .name
            .clone()
            .context("a CRD has no metadata.name")?;
        let Some(existing) = merged.get_mut(&name) else {
            merged.insert(name, crd);
            continue;
        };
        if existing.spec.scope != crd.spec.scope {
            bail!(
                "{name}: versions disagree on scope ({} vs {})",
                existing.spec.scope,
                crd.spec.scope
            );
        }
        if existing.spec.names != crd.spec.names {
            bail!(
                "{name}: versions disagree on names (kind, plural, short names, categories must be identical)"
            );
        }
        for version in crd.spec.versions {
            if existing
                .spec
                .versions
                .iter()
                .any(|v| v.name == version.name)
            {
                bail!("{name}: version {} is defined twice", version.name);
            }
            existing.spec.versions.push(version);
        }
    }
    for (name, crd) in &merged {
        let stored: Vec<&str> = crd
            .spec
            .versions
            .iter()
            .filter(|v| v.storage)
            .map(|v| v.name.as_str())
            .collect();
        if stored.len() != 1 {
            bail!(
                "{name}: exactly one version must be the storage version, found {} ({}); \
                 mark the others with `storage = false` in #[resource(...)]",
                stored.len(),
                stored.join(", ")
            );
        }
    }
    Ok(merged.into_values().collect())
}

/// controller-gen's file name for a CRD: `<group>_<plural>.yaml`.
pub fn file_name(crd: &CustomResourceDefinition) -> String {
    format!("{}_{}.yaml", crd.spec.group, crd.spec.names.plural)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
        CustomResourceDefinitionNames, CustomResourceDefinitionSpec,
        CustomResourceDefinitionVersion,
    };

    fn crd(version: &str, storage: bool) -> CustomResourceDefinition {
        CustomResourceDefinition {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some("guestbooks.webapp.example.com".into()),
                ..Default::default()
            },
            spec: CustomResourceDefinitionSpec {
                group: "webapp.example.com".into(),
                names: CustomResourceDefinitionNames {
                    kind: "Guestbook".into(),
                    plural: "guestbooks".into(),
                    ..Default::default()
                },
                scope: "Namespaced".into(),
                versions: vec![CustomResourceDefinitionVersion {
                    name: version.into(),
                    served: true,
                    storage,
                    ..Default::default()
                }],
                ..Default::default()
            },
            status: None,
        }
    }

    #[test]
    fn versions_merge_into_one_crd() {
        let merged = merge(vec![crd("v1", true), crd("v2", false)]).unwrap();
        assert_eq!(merged.len(), 1);
        let names: Vec<_> = merged[0]
            .spec
            .versions
            .iter()
            .map(|v| v.name.as_str())
            .collect();
        assert_eq!(names, ["v1", "v2"]);
        assert_eq!(file_name(&merged[0]), "webapp.example.com_guestbooks.yaml");
    }

    #[test]
    fn two_storage_versions_are_an_error() {
        let error = merge(vec![crd("v1", true), crd("v2", true)])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("exactly one version") && error.contains("v1, v2"),
            "{error}"
        );
    }

    #[test]
    fn scope_mismatch_is_an_error() {
        let mut cluster = crd("v2", false);
        cluster.spec.scope = "Cluster".into();
        assert!(
            merge(vec![crd("v1", true), cluster])
                .unwrap_err()
                .to_string()
                .contains("scope")
        );
    }
}
