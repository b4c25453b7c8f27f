//! What each command does, one module per command (cargo's `ops`): plain functions over
//! plain options, so that they can be called and tested without the command line.

pub mod create_api;
pub mod create_webhook;
pub mod edit;
pub mod envtest;
pub mod init;
pub mod manifests;
pub mod version;

use anyhow::Result;

use crate::fs::Fs;
use crate::scaffold::{Plan, Resolved};

/// Resolves `plan` against `fs` and, unless `dry_run`, commits it as one transaction;
/// reports what changed either way.
pub fn write(plan: Plan, fs: &mut dyn Fs, force: bool, dry_run: bool) -> Result<Resolved> {
    let resolved = plan.resolve(fs, force)?;
    if !dry_run {
        fs.commit(&resolved.writes)?;
    }
    resolved.print(dry_run);
    Ok(resolved)
}
