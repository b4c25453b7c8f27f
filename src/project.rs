//! The project file: the single source of truth for what `cargo operator` scaffolded.
//!
//! `init` writes it, every later command reads it first (kubebuilder keeps the same record in
//! its `PROJECT` file). It records enough to re-scaffold the project into a newer layout.

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use crate::names;

/// Name of the project file at the root of every generated project.
pub const PROJECT_FILE: &str = "operator.toml";

/// The layout this version of the CLI scaffolds; bumped when generated files change shape.
pub const LAYOUT: &str = "cargo-operator.rs/v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Project {
    pub layout: String,
    pub project_name: String,
    pub domain: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Where the generated project finds `cargo-operator-runtime` before it is published:
    /// a path (relative to the project root, as given to `init --runtime-path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_path: Option<String>,
    #[serde(default, skip_serializing_if = "ManifestSettings::is_default")]
    pub manifests: ManifestSettings,
    #[serde(default, rename = "resource", skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
}

/// How `cargo operator manifests` writes CRDs; its flags override these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ManifestSettings {
    /// Cut CRD descriptions to this many bytes (`0` drops them): controller-gen's
    /// `crd:maxDescLen`, for CRDs that embed big Kubernetes types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_description_len: Option<usize>,
}

impl ManifestSettings {
    fn is_default(&self) -> bool {
        *self == ManifestSettings::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Resource {
    /// The group's short name (`webapp`); the API group is `<group>.<domain>`.
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub namespaced: bool,
    /// An API type was scaffolded in the api crate.
    pub api: bool,
    /// A reconciler was scaffolded in `src/controller/`.
    pub controller: bool,
    /// `create api --image`: the reconciler runs this image as a Deployment per object
    /// (kubebuilder's deploy-image plugin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The port the image listens on (`--container-port`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<u16>,
    #[serde(default, skip_serializing_if = "Webhooks::is_empty")]
    pub webhooks: Webhooks,
}

impl Resource {
    pub fn names(&self) -> names::KindNames<'_> {
        names::KindNames {
            group: &self.group,
            kind: &self.kind,
            plural: &self.plural,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Webhooks {
    /// A defaulting (mutating) webhook, in `src/webhook/`.
    #[serde(default)]
    pub defaulting: bool,
    /// A validating webhook, in `src/webhook/`.
    #[serde(default)]
    pub validation: bool,
    /// This version is the hub of a conversion webhook: the other versions, its `spokes`,
    /// convert to and from it (`api/src/<group>/<spoke>/<kind>_conversion.rs`).
    #[serde(default)]
    pub conversion: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spokes: Vec<String>,
}

impl Webhooks {
    fn is_empty(&self) -> bool {
        *self == Webhooks::default()
    }
}

impl Project {
    /// The names of every kind, for the collision checks of [`names`].
    pub fn kind_names(&self) -> impl Iterator<Item = names::KindNames<'_>> {
        self.resources.iter().map(Resource::names)
    }

    /// The full API group of a resource, e.g. `webapp.example.com`.
    pub fn api_group(&self, resource: &Resource) -> String {
        format!("{}.{}", resource.group, self.domain)
    }

    /// Whether `create webhook` has scaffolded any webhook (so the project has
    /// `config/webhook/`).
    pub fn has_webhooks(&self) -> bool {
        self.resources.iter().any(|r| !r.webhooks.is_empty())
    }

    /// Whether `version` is another version of `resource`'s kind in the project.
    pub fn is_version_of(&self, resource: &Resource, version: &str) -> bool {
        version != resource.version
            && self
                .find_resource(&resource.group, version, &resource.kind)
                .is_some()
    }

    /// The version of `resource`'s kind that is stored: the first one scaffolded.
    pub fn storage_version<'a>(&'a self, resource: &Resource) -> Option<&'a Resource> {
        self.resources
            .iter()
            .find(|r| r.group == resource.group && r.kind == resource.kind && r.api)
    }

    pub fn find_resource(&self, group: &str, version: &str, kind: &str) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).expect("the project model always serializes");
        format!(
            "# Written by `cargo operator`: what was scaffolded in this project.\n\
             # Commands read it; edit it only to undo a scaffold you removed by hand.\n{body}"
        )
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let project: Project = toml::from_str(text)
            .with_context(|| format!("{} is not a valid project file", path.display()))?;
        if project.layout != LAYOUT {
            bail!(
                "{} has layout `{}`, but this cargo-operator scaffolds `{LAYOUT}`",
                path.display(),
                project.layout
            );
        }
        project
            .validate()
            .with_context(|| format!("{} was edited into an invalid state", path.display()))?;
        Ok(project)
    }

    /// Every name in the model passes the checks the commands apply to flags: a hand-edited
    /// project file cannot feed the templates what a flag could not.
    pub fn validate(&self) -> Result<()> {
        names::validate_project_name(&self.project_name)?;
        names::validate_domain("domain", &self.domain)?;
        for (i, resource) in self.resources.iter().enumerate() {
            names::validate_group("group", &resource.group, &self.domain)?;
            names::validate_version("version", &resource.version)?;
            names::validate_kind("kind", &resource.kind)?;
            names::validate_plural("plural", &resource.plural)?;
            for spoke in &resource.webhooks.spokes {
                if !resource.webhooks.conversion || !self.is_version_of(resource, spoke) {
                    bail!(
                        "{}/{} {} lists spoke {spoke}, which is not another version of the kind with a conversion",
                        resource.group,
                        resource.version,
                        resource.kind
                    );
                }
            }
            if self.resources[..i].iter().any(|r| {
                (&r.group, &r.version, &r.kind)
                    == (&resource.group, &resource.version, &resource.kind)
            }) {
                bail!(
                    "{}/{} {} is listed twice",
                    resource.group,
                    resource.version,
                    resource.kind
                );
            }
        }
        Ok(())
    }
}

/// A loaded project: its root directory and its model.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub project: Project,
}

impl Workspace {
    /// Finds the project file in `start` or one of its parents, like cargo finds Cargo.toml.
    /// A write that an earlier command left unfinished is undone first.
    pub fn discover(start: &Path) -> Result<Self> {
        let start = start
            .canonicalize()
            .with_context(|| format!("cannot access {}", start.display()))?;
        for dir in start.ancestors() {
            let file = dir.join(PROJECT_FILE);
            if file.is_file() || dir.join(crate::transaction::DIR).is_dir() {
                crate::transaction::recover(dir)?;
            }
            if file.is_file() {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let project = Project::parse(&text, &file)?;
                return Ok(Workspace {
                    root: dir.to_path_buf(),
                    project,
                });
            }
        }
        bail!(
            "no {PROJECT_FILE} in {} or any parent directory; run `cargo operator init` first",
            start.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_file_round_trips() {
        let project = Project {
            layout: LAYOUT.into(),
            project_name: "guestbook-operator".into(),
            domain: "example.com".into(),
            owner: Some("Example Inc".into()),
            runtime_path: None,
            manifests: ManifestSettings {
                max_description_len: Some(0),
            },
            resources: vec![Resource {
                group: "webapp".into(),
                version: "v1".into(),
                kind: "Guestbook".into(),
                plural: "guestbooks".into(),
                namespaced: true,
                api: true,
                controller: true,
                image: None,
                container_port: None,
                webhooks: Webhooks::default(),
            }],
        };
        let text = project.to_toml();
        assert!(text.contains("[[resource]]"), "{text}");
        assert_eq!(
            Project::parse(&text, Path::new("operator.toml")).unwrap(),
            project
        );
    }

    #[test]
    fn unknown_layout_is_refused() {
        let text = "layout = \"go.kubebuilder.io/v4\"\nproject-name = \"x\"\ndomain = \"y.io\"\n";
        let error = Project::parse(text, Path::new("operator.toml")).unwrap_err();
        assert!(error.to_string().contains("layout"), "{error}");
    }
}
