use clap::Args;

use crate::ops::manifests::ManifestsOptions;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator manifests              # writes config/crd/bases/*.yaml and config/rbac/role.yaml
  cargo operator manifests --dry-run    # shows which files would change")]
pub struct ManifestsArgs {
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl From<ManifestsArgs> for ManifestsOptions {
    fn from(args: ManifestsArgs) -> Self {
        ManifestsOptions {
            dry_run: args.dry_run,
        }
    }
}
