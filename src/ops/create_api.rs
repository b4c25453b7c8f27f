//! `cargo operator create api`: an API type and/or its reconciler.

use anyhow::{Result, bail};

use crate::fs::{Disk, Fs};
use crate::names;
use crate::project::{PROJECT_FILE, Project, Resource, Webhooks, Workspace};
use crate::scaffold::builder::Generated;
use crate::scaffold::vars::ResourceVars;
use crate::scaffold::{Plan, api};

#[derive(Debug, Clone)]
pub struct CreateApiOptions {
    pub group: String,
    pub version: String,
    pub kind: String,
    /// Default: the English plural of the kind, lowercased.
    pub plural: Option<String>,
    pub namespaced: bool,
    /// Scaffold the API type.
    pub resource: bool,
    /// Scaffold a reconciler.
    pub controller: bool,
    /// A reconciler that runs this image as a Deployment per object.
    pub image: Option<String>,
    /// The port the image listens on (with `image`).
    pub container_port: Option<u16>,
    pub force: bool,
    pub dry_run: bool,
}

/// The port of `--image` without `--container-port`.
pub const DEFAULT_CONTAINER_PORT: u16 = 8080;

pub fn create_api(options: &CreateApiOptions) -> Result<()> {
    let Workspace { root, project } = Workspace::discover(&std::env::current_dir()?)?;
    let mut disk = Disk::new(&root);
    create_api_in(&mut disk, project, options)?;
    if !options.dry_run && options.resource {
        eprintln!(
            "\nNext: edit api/src/{}/{}/{}.rs, then run `cargo operator manifests`",
            cargo_operator_core::names::module_name(&options.group),
            options.version,
            cargo_operator_core::names::snake_case(&options.kind)
        );
    }
    Ok(())
}

/// [`create_api`] on any project tree (the disk, or memory in tests).
pub fn create_api_in(
    fs: &mut dyn Fs,
    mut project: Project,
    options: &CreateApiOptions,
) -> Result<()> {
    names::validate_group("--group", &options.group, &project.domain)?;
    names::validate_version("--version", &options.version)?;
    names::validate_kind("--kind", &options.kind)?;
    if let Some(image) = &options.image {
        names::validate_image("--image", image)?;
        if !options.resource || !options.controller {
            bail!(
                "--image scaffolds the API type and its reconciler together: drop --resource=false and --controller=false"
            );
        }
        if !options.namespaced {
            bail!(
                "--image runs a Deployment in each object's namespace, so the kind must be namespaced: drop --namespaced=false"
            );
        }
    }
    if options.container_port == Some(0) {
        bail!("--container-port 0 is not a port: use 1 to 65535");
    }
    if let Some(plural) = &options.plural {
        names::validate_plural("--plural", plural)?;
    }
    if !options.resource && !options.controller {
        bail!("--resource=false and --controller=false together scaffold nothing");
    }
    let plural = options
        .plural
        .clone()
        .unwrap_or_else(|| cargo_operator_core::names::plural(&options.kind));
    let existing = project
        .find_resource(&options.group, &options.version, &options.kind)
        .cloned();
    let resource = match existing {
        // A reconciler for an API type scaffolded earlier with --controller=false.
        Some(existing) if !options.resource && !existing.controller => Resource {
            controller: true,
            ..existing
        },
        Some(existing) => bail!(
            "{}/{} {} already exists in {PROJECT_FILE} (api: {}, controller: {}); nothing was changed",
            options.group,
            options.version,
            options.kind,
            existing.api,
            existing.controller
        ),
        None if !options.resource => bail!(
            "--resource=false scaffolds a reconciler for an existing API type, but {PROJECT_FILE} has no \
             {}/{} {}; create the type too (drop --resource=false)",
            options.group,
            options.version,
            options.kind
        ),
        None => {
            let resource = Resource {
                group: options.group.clone(),
                version: options.version.clone(),
                kind: options.kind.clone(),
                plural,
                namespaced: options.namespaced,
                api: true,
                controller: options.controller,
                image: options.image.clone(),
                container_port: options
                    .image
                    .as_ref()
                    .map(|_| options.container_port.unwrap_or(DEFAULT_CONTAINER_PORT)),
                webhooks: Webhooks::default(),
            };
            check_other_versions(&project.resources, &resource)?;
            names::check_collisions(project.kind_names(), resource.names())?;
            resource
        }
    };
    // A second version of a kind is served but not stored: exactly one version may be.
    let stored_elsewhere = project
        .resources
        .iter()
        .any(|r| r.group == resource.group && r.kind == resource.kind && r.api);
    let vars = ResourceVars::new(&project, &resource, !stored_elsewhere);

    let mut plan = Plan::new();
    if options.resource {
        api::plan_resource(&mut plan, &vars)?;
    }
    if resource.controller {
        api::plan_controller(&mut plan, &vars)?;
    }
    // A new resource is appended; one that gains its reconciler keeps its place in the file.
    match project.resources.iter_mut().find(|r| {
        (&r.group, &r.version, &r.kind) == (&resource.group, &resource.version, &resource.kind)
    }) {
        Some(entry) => *entry = resource,
        None => project.resources.push(resource),
    }
    plan.file(&Generated {
        path: PROJECT_FILE.into(),
        content: project.to_toml(),
    })?;
    super::write(plan, fs, options.force, options.dry_run)?;
    Ok(())
}

/// The same kind in another version is a new version of one CRD: same plural and scope, and
/// only one reconciler for the kind. (The same kind in another group is another CRD; its
/// per-kind files carry the group, see `ResourceVars::kind_id`.)
fn check_other_versions(resources: &[Resource], new: &Resource) -> Result<()> {
    for other in resources
        .iter()
        .filter(|r| r.group == new.group && r.kind == new.kind)
    {
        if other.namespaced != new.namespaced {
            bail!(
                "{} {} exists in {} as {}; every version of a kind has the same scope (pass --namespaced={})",
                new.group,
                new.kind,
                other.version,
                if other.namespaced {
                    "namespaced"
                } else {
                    "cluster-scoped"
                },
                other.namespaced
            );
        }
        if other.plural != new.plural {
            bail!(
                "{} {} has plural `{}` in {}; every version must use it",
                new.group,
                new.kind,
                other.plural,
                other.version
            );
        }
        if other.controller && new.controller {
            bail!(
                "{} {} already has a reconciler (scaffolded with {}); pass --controller=false for a new version",
                new.group,
                new.kind,
                other.version
            );
        }
    }
    Ok(())
}
