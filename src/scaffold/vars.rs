//! The typed variables of the templates: what a template may use is a field here, computed
//! once from the project model. User text reaches templates only through these fields and is
//! escaped where it is written (the `toml` and `rust` filters of [`super::templates`]).

use cargo_operator_core::{kubernetes, names, webhook};
use serde::Serialize;
use std::path::Path;

use crate::project::{Project, Resource};

/// What every template of a project may use.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectVars {
    /// The cargo package, binary and image name (`guestbook-operator`).
    pub project_name: String,
    /// Its crate name (`guestbook_operator`).
    pub project_crate: String,
    /// The api package's crate name (`guestbook_operator_api`).
    pub api_crate: String,
    pub domain: String,
    /// Free text: written through the `toml` filter.
    pub owner: Option<String>,
    pub k8s_openapi_feature: &'static str,
    pub k8s_openapi_version: &'static str,
    pub envtest_version: &'static str,
    /// How the operator package depends on the runtime (TOML inline-table body).
    pub runtime_dep: String,
    /// How the api package depends on the runtime (its path is one level deeper).
    pub api_runtime_dep: String,
    /// The version of the CLI that generates the project, which its Makefile pins.
    pub cli_version: &'static str,
    /// What `cargo install` installs that CLI from: the registry, or the local checkout of
    /// `--runtime-path` (Makefile syntax).
    pub cli_install: String,
}

impl ProjectVars {
    pub fn new(project: &Project) -> Self {
        let (runtime_dep, api_runtime_dep) = runtime_dependency(project.runtime_path.as_deref());
        let cli_install = match project.runtime_path.as_deref() {
            None => "cargo-operator --version $(CARGO_OPERATOR_VERSION)".to_string(),
            // The CLI is the checkout's root package.
            Some(path) => format!("--path {}", path.replace('\\', "/")),
        };
        let project_crate = project.project_name.replace('-', "_");
        Self {
            api_crate: format!("{project_crate}_api"),
            project_crate,
            project_name: project.project_name.clone(),
            domain: project.domain.clone(),
            owner: project.owner.clone(),
            k8s_openapi_feature: kubernetes::K8S_OPENAPI_FEATURE,
            k8s_openapi_version: kubernetes::K8S_OPENAPI_VERSION,
            envtest_version: kubernetes::VERSION,
            runtime_dep,
            api_runtime_dep,
            cli_version: env!("CARGO_PKG_VERSION"),
            cli_install,
        }
    }
}

/// The dependency spec of cargo-operator-runtime, for the root package and for `api/`.
fn runtime_dependency(runtime_path: Option<&str>) -> (String, String) {
    match runtime_path {
        None => {
            let version = format!("version = \"{}\"", env!("CARGO_PKG_VERSION"));
            (version.clone(), version)
        }
        Some(path) => {
            let root = Path::new(path).join("runtime");
            let api = if root.is_absolute() {
                root.clone()
            } else {
                Path::new("..").join(&root)
            };
            // Cargo.toml paths always use `/`, whatever the platform; the path is user text.
            let spec = |p: &Path| {
                format!(
                    "path = {}",
                    super::templates::toml_string(&p.to_string_lossy().replace('\\', "/"))
                )
            };
            (spec(&root), spec(&api))
        }
    }
}

/// What the templates of one resource may use.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceVars {
    #[serde(flatten)]
    pub project: ProjectVars,
    /// The group's short name (`webapp`).
    pub group: String,
    /// Its Rust module name (`webapp`, `my_group`).
    pub group_module: String,
    /// The full API group (`webapp.example.com`).
    pub api_group: String,
    pub version: String,
    pub kind: String,
    /// The kind's module and file name (`guestbook`, `http_route`).
    pub kind_snake: String,
    /// The kind in object names (`guestbook`, `http-route`).
    pub kind_kebab: String,
    /// The kind's name where the project needs one per kind across groups — its roles, its
    /// controller module and name: `guestbook`, or `shop_guestbook` when an earlier group
    /// of the project has a `Guestbook` too (kubebuilder's multigroup names), so that no
    /// group's files are taken by another's.
    pub kind_id: String,
    /// [`Self::kind_id`] in object names (`guestbook`, `shop-guestbook`).
    pub kind_id_kebab: String,
    pub plural: String,
    /// The plural when it is not the default one (the type's `#[resource]` must then say it).
    pub custom_plural: Option<String>,
    pub namespaced: bool,
    /// This version is the storage version (the first version of a kind is).
    pub storage: bool,
    /// `create api --image`: the image the reconciler runs, and its port.
    pub image: Option<String>,
    pub container_port: u16,
    /// The name of that port: the kind in kebab case, cut to a valid port name.
    pub port_name: String,
}

impl ResourceVars {
    pub fn new(project: &Project, resource: &Resource, storage: bool) -> Self {
        let kind_snake = names::snake_case(&resource.kind);
        let group_module = names::module_name(&resource.group);
        // Decided by the order of the project file, so a kind keeps its names for good.
        let same = |r: &Resource| r.group == resource.group && r.kind == resource.kind;
        let taken_earlier = project
            .resources
            .iter()
            .take_while(|r| !same(r))
            .any(|r| r.kind == resource.kind);
        let kind_id = if taken_earlier {
            format!("{group_module}_{kind_snake}")
        } else {
            kind_snake.clone()
        };
        Self {
            project: ProjectVars::new(project),
            group: resource.group.clone(),
            group_module,
            api_group: project.api_group(resource),
            version: resource.version.clone(),
            kind: resource.kind.clone(),
            kind_kebab: kind_snake.replace('_', "-"),
            port_name: names::port_name_for(&kind_snake.replace('_', "-")),
            kind_snake,
            kind_id_kebab: kind_id.replace('_', "-"),
            kind_id,
            plural: resource.plural.clone(),
            custom_plural: (resource.plural != names::plural(&resource.kind))
                .then(|| resource.plural.clone()),
            namespaced: resource.namespaced,
            storage,
            image: resource.image.clone(),
            container_port: resource.container_port.unwrap_or_default(),
        }
    }

    /// The values of the `{placeholders}` in template paths.
    pub fn placeholders(&self) -> [(&'static str, &str); 4] {
        [
            ("group", &self.group_module),
            ("version", &self.version),
            ("kind", &self.kind_snake),
            ("kind_id", &self.kind_id),
        ]
    }
}

/// What the templates of one kind's webhooks may use.
#[derive(Debug, Clone, Serialize)]
pub struct WebhookVars {
    #[serde(flatten)]
    pub resource: ResourceVars,
    /// The defaulting webhook's name in the MutatingWebhookConfiguration and its path.
    pub defaulter_name: String,
    pub defaulter_path: String,
    /// The validating webhook's name in the ValidatingWebhookConfiguration and its path.
    pub validator_name: String,
    pub validator_path: String,
    /// For a conversion: the hub's version, every spoke, and the spoke a file is for.
    pub hub: String,
    pub spokes: Vec<String>,
    pub spoke: String,
}

impl WebhookVars {
    pub fn new(resource: ResourceVars, spokes: Vec<String>) -> Self {
        let (group, version, kind) = (&resource.api_group, &resource.version, &resource.kind);
        let name = |prefix: char| format!("{prefix}{}-{version}.{group}", kind.to_lowercase());
        Self {
            defaulter_name: name('m'),
            defaulter_path: webhook::default_path(true, group, version, kind),
            validator_name: name('v'),
            validator_path: webhook::default_path(false, group, version, kind),
            hub: resource.version.clone(),
            spokes,
            spoke: String::new(),
            resource,
        }
    }

    /// The defaulting (`mutating`) or validating webhook as the templates' `#[webhook]`
    /// attribute declares it, normalised.
    pub fn admission(&self, mutating: bool) -> webhook::Webhook {
        let r = &self.resource;
        let (name, path) = if mutating {
            (&self.defaulter_name, &self.defaulter_path)
        } else {
            (&self.validator_name, &self.validator_path)
        };
        webhook::Webhook {
            name: name.clone(),
            path: path.clone(),
            mutating,
            failure_policy: "Fail".into(),
            side_effects: "None".into(),
            groups: vec![r.api_group.clone()],
            resources: vec![r.plural.clone()],
            verbs: vec!["CREATE".into(), "UPDATE".into()],
            versions: vec![r.version.clone()],
            admission_review_versions: vec!["v1".into()],
            ..Default::default()
        }
    }

    /// The same, for the conversion file of `spoke`.
    pub fn for_spoke(&self, spoke: &str) -> Self {
        Self {
            spoke: spoke.to_string(),
            ..self.clone()
        }
    }

    /// The `{placeholders}` of template paths, with `{spoke}`.
    pub fn placeholders(&self) -> Vec<(&'static str, &str)> {
        let mut values = self.resource.placeholders().to_vec();
        values.push(("spoke", &self.spoke));
        values
    }
}
