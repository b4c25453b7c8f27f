//! `cargo operator edit`: project-level settings, recorded in the project file and in the one
//! line of a generated file that uses them.

use anyhow::{Result, bail};

use crate::fs::{Disk, Fs};
use crate::project::{PROJECT_FILE, Project, Workspace};
use crate::scaffold::Plan;
use crate::scaffold::builder::Generated;

#[derive(Debug, Clone, Default)]
pub struct EditOptions {
    /// The manager's image: the default of the Makefile's `IMG`.
    pub image: Option<String>,
    /// `Some(None)` clears the setting.
    pub max_description_len: Option<Option<usize>>,
    pub dry_run: bool,
}

pub fn edit(options: &EditOptions) -> Result<()> {
    let Workspace { root, project } = Workspace::discover(&std::env::current_dir()?)?;
    edit_in(&mut Disk::new(&root), project, options)
}

/// The Makefile line that holds the image's default.
const IMAGE_LINE: &str = "IMG ?= ";

pub fn edit_in(fs: &mut dyn Fs, mut project: Project, options: &EditOptions) -> Result<()> {
    if options.image.is_none() && options.max_description_len.is_none() {
        bail!("nothing to change: pass --image, --max-description-len or --no-max-description-len");
    }
    let mut plan = Plan::new();
    if let Some(image) = &options.image {
        crate::names::validate_image("--image", image)?;
        let Some(makefile) = fs.read("Makefile".as_ref())? else {
            bail!("Makefile is missing; restore it (the image is its IMG default)");
        };
        let mut found = false;
        let edited: String = makefile
            .split_inclusive('\n')
            .map(|line| {
                if line.starts_with(IMAGE_LINE) && !found {
                    found = true;
                    format!("{IMAGE_LINE}{image}\n")
                } else {
                    line.to_string()
                }
            })
            .collect();
        if !found {
            bail!("the Makefile has no `{IMAGE_LINE}...` line; restore it to set the image");
        }
        plan.file(&Generated {
            path: "Makefile".into(),
            content: edited,
        })?;
    }
    if let Some(max) = options.max_description_len {
        project.manifests.max_description_len = max;
    }
    plan.file(&Generated {
        path: PROJECT_FILE.into(),
        content: project.to_toml(),
    })?;
    super::write(plan, fs, false, options.dry_run)?;
    Ok(())
}
