//! `cargo operator create api`: add an API type and/or its reconciler to a project.

use crate::commands::init;
use crate::names;
use crate::project::{PROJECT_FILE, Resource, Webhooks, Workspace};
use crate::scaffold::{Existing, Plan, markers, templates};
use anyhow::{Result, bail};
use clap::{ArgAction, Args};
use heck::ToSnakeCase;
use std::path::Path;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator create api --group webapp --version v1 --kind Guestbook
  cargo operator create api --group infra --version v1alpha1 --kind Cluster --namespaced=false
  cargo operator create api --group webapp --version v2 --kind Guestbook --controller=false")]
pub struct CreateApiArgs {
    /// API group short name; the full group is `<group>.<domain>`
    #[arg(long)]
    pub group: String,
    /// API version, e.g. v1, v1alpha1
    #[arg(long)]
    pub version: String,
    /// Kind, in UpperCamelCase
    #[arg(long)]
    pub kind: String,
    /// Resource name in URLs; default: the English plural of the kind, lowercased
    #[arg(long)]
    pub plural: Option<String>,
    /// Namespaced (true) or cluster-scoped (false)
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub namespaced: bool,
    /// Scaffold the API type in the api crate
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub resource: bool,
    /// Scaffold a reconciler in src/controller/ and register it in main
    #[arg(long, default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub controller: bool,
    /// Overwrite files that exist and differ
    #[arg(long)]
    pub force: bool,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: CreateApiArgs) -> Result<()> {
    let Workspace { root, mut project } = Workspace::discover(&std::env::current_dir()?)?;
    names::validate_group(&args.group)?;
    names::validate_version(&args.version)?;
    names::validate_kind(&args.kind)?;
    if !args.resource && !args.controller {
        bail!("--resource=false and --controller=false together scaffold nothing");
    }
    let plural = args
        .plural
        .clone()
        .unwrap_or_else(|| names::plural(&args.kind));
    let existing = project
        .find_resource(&args.group, &args.version, &args.kind)
        .cloned();
    let resource = match existing {
        // A reconciler for an API type scaffolded earlier with --controller=false.
        Some(existing) if !args.resource && !existing.controller => Resource {
            controller: true,
            ..existing
        },
        Some(existing) => bail!(
            "{}/{} {} already exists in {PROJECT_FILE} (api: {}, controller: {}); nothing was changed",
            args.group,
            args.version,
            args.kind,
            existing.api,
            existing.controller
        ),
        None if !args.resource => bail!(
            "--resource=false scaffolds a reconciler for an existing API type, but {PROJECT_FILE} has no \
             {}/{} {}; create the type too (drop --resource=false)",
            args.group,
            args.version,
            args.kind
        ),
        None => {
            check_other_versions(&project.resources, &args, &plural)?;
            Resource {
                group: args.group.clone(),
                version: args.version.clone(),
                kind: args.kind.clone(),
                plural,
                namespaced: args.namespaced,
                api: true,
                controller: args.controller,
                webhooks: Webhooks::default(),
            }
        }
    };
    let mut context = init::context(&project);
    let api_group = project.api_group(&resource);
    let group_module = names::module_name(&resource.group);
    let kind_snake = resource.kind.to_snake_case();
    context.insert("group", &resource.group);
    context.insert("group_module", &group_module);
    context.insert("version", &resource.version);
    context.insert("kind", &resource.kind);
    context.insert("kind_snake", &kind_snake);
    context.insert("plural", &resource.plural);
    context.insert("namespaced", &resource.namespaced);
    context.insert("api_group", &api_group);
    // A second version of a kind is served but not stored: exactly one version may be.
    let stored_elsewhere = project
        .resources
        .iter()
        .any(|r| r.group == resource.group && r.kind == resource.kind && r.api);
    context.insert("storage", &!stored_elsewhere);

    let mut plan = Plan::new(&root);
    if args.resource {
        plan_api(&mut plan, &root, &context, &resource, &api_group)?;
    }
    if resource.controller {
        plan.create(
            format!("src/controller/{kind_snake}.rs"),
            templates::render("api/controller.rs", &context)?,
            Existing::Keep,
        );
        plan.insert_sorted(
            "src/controller/mod.rs",
            "controller-modules",
            format!("pub mod {kind_snake};"),
        );
        plan.insert(
            "tests/controller.rs",
            "controller-tests",
            templates::render("api/controller_test.rs", &context)?,
        );
        plan.insert(
            "src/main.rs",
            "controllers",
            format!(
                "manager.add_controller({}::controller::{kind_snake}::controller());",
                project.project_name.to_snake_case()
            ),
        );
    }
    // A new resource is appended; one that gains its reconciler keeps its place in the file.
    match project.resources.iter_mut().find(|r| {
        (&r.group, &r.version, &r.kind) == (&resource.group, &resource.version, &resource.kind)
    }) {
        Some(entry) => *entry = resource,
        None => project.resources.push(resource),
    }
    plan.create(PROJECT_FILE, project.to_toml(), Existing::Regenerate);

    let report = plan.apply(args.force, args.dry_run)?;
    report.print(args.dry_run);
    if !args.dry_run && args.resource {
        eprintln!(
            "\nNext: edit api/src/{group_module}/{}/{kind_snake}.rs, then run `cargo operator manifests`",
            args.version
        );
    }
    Ok(())
}

/// The same kind in another version is a new version of one CRD: same plural and scope, and
/// only one reconciler for the kind.
fn check_other_versions(resources: &[Resource], args: &CreateApiArgs, plural: &str) -> Result<()> {
    for other in resources
        .iter()
        .filter(|r| r.group == args.group && r.kind == args.kind)
    {
        if other.namespaced != args.namespaced {
            bail!(
                "{} {} exists in {} as {}; every version of a kind has the same scope (pass --namespaced={})",
                args.group,
                args.kind,
                other.version,
                if other.namespaced {
                    "namespaced"
                } else {
                    "cluster-scoped"
                },
                other.namespaced
            );
        }
        if other.plural != plural {
            bail!(
                "{} {} has plural `{}` in {}; every version must use it",
                args.group,
                args.kind,
                other.plural,
                other.version
            );
        }
        if other.controller && args.controller {
            bail!(
                "{} {} already has a reconciler (scaffolded with {}); pass --controller=false for a new version",
                args.group,
                args.kind,
                other.version
            );
        }
    }
    if let Some(other) = resources
        .iter()
        .find(|r| r.kind == args.kind && r.group != args.group && r.controller && args.controller)
    {
        bail!(
            "a reconciler for kind {} already exists (group {}); two reconcilers of one kind name would share src/controller/{}.rs",
            args.kind,
            other.group,
            args.kind.to_snake_case()
        );
    }
    Ok(())
}

/// The API type, its module declarations, the CRD's kustomize entry, the sample and the
/// per-kind user roles.
fn plan_api(
    plan: &mut Plan,
    root: &Path,
    context: &tera::Context,
    resource: &Resource,
    api_group: &str,
) -> Result<()> {
    let version = &resource.version;
    let group_module = names::module_name(&resource.group);
    let kind_snake = resource.kind.to_snake_case();
    let group_dir = format!("api/src/{group_module}");
    let version_dir = format!("{group_dir}/{version}");
    plan.create(
        format!("{version_dir}/{kind_snake}.rs"),
        templates::render("api/types.rs", context)?,
        Existing::Keep,
    );
    let group_mod = ModuleFile {
        path: format!("{group_dir}/mod.rs"),
        template: "api/group_mod.rs",
        marker: "versions",
        text: format!("pub mod {version};"),
        sorted: true,
    };
    let version_mod = ModuleFile {
        path: format!("{version_dir}/mod.rs"),
        template: "api/version_mod.rs",
        marker: "kinds",
        text: format!("mod {kind_snake};\npub use {kind_snake}::*;"),
        sorted: false,
    };
    for module in [group_mod, version_mod] {
        module.create_or_insert(plan, root, context)?;
    }
    plan.insert_sorted(
        "api/src/lib.rs",
        "groups",
        format!("pub mod {group_module};"),
    );
    plan.insert(
        "api/src/lib.rs",
        "crds",
        format!(
            "<{group_module}::{version}::{} as cargo_operator_runtime::CustomResourceExt>::crd(),",
            resource.kind
        ),
    );

    let sample = format!("{}_{version}_{kind_snake}.yaml", resource.group);
    plan.create(
        format!("config/samples/{sample}"),
        templates::render("api/sample.yaml", context)?,
        Existing::Keep,
    );
    plan.insert(
        "config/samples/kustomization.yaml",
        "samples",
        format!("- {sample}"),
    );
    plan.insert(
        "config/crd/kustomization.yaml",
        "crdkustomizeresource",
        format!("- bases/{api_group}_{}.yaml", resource.plural),
    );
    for role in ["editor", "viewer"] {
        let file = format!("{kind_snake}_{role}_role.yaml");
        plan.create(
            format!("config/rbac/{file}"),
            templates::render(&format!("api/{role}_role.yaml"), context)?,
            Existing::Keep,
        );
        plan.insert(
            "config/rbac/kustomization.yaml",
            "rbac-kinds",
            format!("- {file}"),
        );
    }
    Ok(())
}

/// A module file of the api crate: created by the first kind of its group or version,
/// extended at its marker by the rest.
struct ModuleFile {
    path: String,
    template: &'static str,
    marker: &'static str,
    text: String,
    sorted: bool,
}

impl ModuleFile {
    fn create_or_insert(self, plan: &mut Plan, root: &Path, context: &tera::Context) -> Result<()> {
        let insertion = markers::Insertion {
            marker: self.marker.into(),
            text: self.text,
            sorted: self.sorted,
        };
        if root.join(&self.path).exists() {
            match insertion.sorted {
                true => plan.insert_sorted(self.path, self.marker, insertion.text),
                false => plan.insert(self.path, self.marker, insertion.text),
            }
        } else {
            let fresh = templates::render(self.template, context)?;
            plan.create(
                self.path,
                markers::insert_all(&fresh, &[insertion])?,
                Existing::Keep,
            );
        }
        Ok(())
    }
}
