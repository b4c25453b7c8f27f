use clap::Args;
use std::path::PathBuf;

use crate::ops::init::InitOptions;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator init --domain example.com --owner \"Example Inc\" guestbook-operator
  cargo operator init --domain example.com                # in the current, empty directory
  cargo operator init --runtime-path ../cargo-operator demo   # use an unpublished runtime")]
pub struct InitArgs {
    /// Directory to create the project in (created if missing; default: the current one)
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Domain of every API group: `create api --group webapp` makes `webapp.<domain>`
    #[arg(long, default_value = "my.domain")]
    pub domain: String,
    /// Owner, written into Cargo.toml `authors`
    #[arg(long)]
    pub owner: Option<String>,
    /// Project name (cargo package, binary, image, object prefix); default: the directory name
    #[arg(long)]
    pub project_name: Option<String>,
    /// Depend on cargo-operator-runtime by path (a checkout of cargo-operator, relative to DIR
    /// or absolute) instead of by crates.io version
    #[arg(long, value_name = "PATH")]
    pub runtime_path: Option<String>,
    /// Write into a non-empty directory and overwrite files that exist and differ (an existing
    /// project is never re-initialised)
    #[arg(long)]
    pub force: bool,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl From<InitArgs> for InitOptions {
    fn from(args: InitArgs) -> Self {
        InitOptions {
            dir: args.dir,
            domain: args.domain,
            owner: args.owner,
            project_name: args.project_name,
            runtime_path: args.runtime_path,
            force: args.force,
            dry_run: args.dry_run,
        }
    }
}
