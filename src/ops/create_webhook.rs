//! `cargo operator create webhook`: a defaulting, validating and/or conversion webhook for a
//! kind the project already has.

use anyhow::{Result, bail};

use crate::fs::{Disk, Fs};
use crate::names;
use crate::project::{PROJECT_FILE, Project, Workspace};
use crate::scaffold::builder::Generated;
use crate::scaffold::vars::{ResourceVars, WebhookVars};
use crate::scaffold::{Plan, webhook};

#[derive(Debug, Clone, Default)]
pub struct CreateWebhookOptions {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub defaulting: bool,
    pub validation: bool,
    pub conversion: bool,
    /// The versions converted to and from `version` (the hub); default: every other one.
    pub spokes: Vec<String>,
    pub force: bool,
    pub dry_run: bool,
}

pub fn create_webhook(options: &CreateWebhookOptions) -> Result<()> {
    let Workspace { root, project } = Workspace::discover(&std::env::current_dir()?)?;
    let mut disk = Disk::new(&root);
    create_webhook_in(&mut disk, project, options)?;
    if !options.dry_run {
        eprintln!(
            "\nNext: write your rules in src/webhook/ (and the conversions in api/), then run \
             `cargo operator manifests`, which writes config/webhook/manifests.yaml from the \
             #[webhook] attributes and the CRD's conversion"
        );
    }
    Ok(())
}

/// [`create_webhook`] on any project tree (the disk, or memory in tests).
pub fn create_webhook_in(
    fs: &mut dyn Fs,
    mut project: Project,
    options: &CreateWebhookOptions,
) -> Result<()> {
    names::validate_group("--group", &options.group, &project.domain)?;
    names::validate_version("--version", &options.version)?;
    names::validate_kind("--kind", &options.kind)?;
    for spoke in &options.spokes {
        names::validate_version("--spoke", spoke)?;
    }
    if !(options.defaulting || options.validation || options.conversion) {
        bail!(
            "nothing to scaffold: pass --defaulting, --programmatic-validation and/or --conversion"
        );
    }
    if !options.spokes.is_empty() && !options.conversion {
        bail!("--spoke names the versions of a conversion: pass --conversion too");
    }
    let (group, version, kind) = (&options.group, &options.version, &options.kind);
    let Some(resource) = project.find_resource(group, version, kind).cloned() else {
        bail!(
            "{group}/{version} {kind} is not in {PROJECT_FILE}; create it first with \
             `cargo operator create api --group {group} --version {version} --kind {kind}`"
        );
    };
    let existing = &resource.webhooks;
    for (asked, exists, what, flag) in [
        (
            options.defaulting,
            existing.defaulting,
            "a defaulting",
            "--defaulting",
        ),
        (
            options.validation,
            existing.validation,
            "a validating",
            "--programmatic-validation",
        ),
        (
            options.conversion,
            existing.conversion,
            "a conversion",
            "--conversion",
        ),
    ] {
        if asked && exists && !options.force {
            bail!(
                "{group}/{version} {kind} already has {what} webhook ({PROJECT_FILE}); pass \
                 --force with {flag} to scaffold its files again"
            );
        }
    }
    let spokes = if options.conversion {
        conversion_spokes(&project, &resource, &options.spokes)?
    } else {
        Vec::new()
    };

    let storage = project
        .storage_version(&resource)
        .is_some_and(|stored| stored.version == resource.version);
    let vars = WebhookVars::new(
        ResourceVars::new(&project, &resource, storage),
        spokes.clone(),
    );
    let mut plan = Plan::new();
    if options.defaulting || options.validation {
        webhook::plan_admission(&mut plan, &vars, options.defaulting, options.validation)?;
    }
    if options.conversion {
        webhook::plan_conversion(&mut plan, &vars)?;
    }
    let entry = project
        .resources
        .iter_mut()
        .find(|r| (&r.group, &r.version, &r.kind) == (group, version, kind))
        .expect("found above");
    entry.webhooks.defaulting |= options.defaulting;
    entry.webhooks.validation |= options.validation;
    if options.conversion {
        entry.webhooks.conversion = true;
        entry.webhooks.spokes = spokes;
    }
    plan.file(&webhook::manifests_file(&webhook::scaffolded(&project))?)?;
    plan.file(&Generated {
        path: PROJECT_FILE.into(),
        content: project.to_toml(),
    })?;
    super::write(plan, fs, options.force, options.dry_run)?;
    Ok(())
}

/// The spokes of a conversion with `hub` as the hub: the versions asked for, or every other
/// version of the kind. The hub must be the stored version, since the API server stores what
/// the webhook converts to.
fn conversion_spokes(
    project: &Project,
    hub: &crate::project::Resource,
    asked: &[String],
) -> Result<Vec<String>> {
    let (group, kind) = (&hub.group, &hub.kind);
    let others: Vec<String> = project
        .resources
        .iter()
        .filter(|r| &r.group == group && &r.kind == kind && r.version != hub.version)
        .map(|r| r.version.clone())
        .collect();
    if others.is_empty() {
        bail!(
            "--conversion converts between versions, and {group} {kind} has only {}; add one \
             with `cargo operator create api --group {group} --version <v2> --kind {kind} \
             --controller=false`",
            hub.version
        );
    }
    if let Some(stored) = project.storage_version(hub)
        && stored.version != hub.version
    {
        bail!(
            "the hub of a conversion is the stored version, {}: pass --version {} (and the \
             other versions as --spoke)",
            stored.version,
            stored.version
        );
    }
    if asked.is_empty() {
        return Ok(others);
    }
    for spoke in asked {
        if !others.contains(spoke) {
            bail!(
                "--spoke {spoke} is not another version of {group} {kind} (there are: {})",
                others.join(", ")
            );
        }
    }
    let mut spokes = asked.to_vec();
    spokes.sort();
    spokes.dedup();
    Ok(spokes)
}
