use clap::Args;

use crate::ops::manifests::ManifestsOptions;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator manifests              # writes config/crd/bases/*.yaml and config/rbac/role.yaml
  cargo operator manifests --dry-run    # shows which files would change
  cargo operator manifests --check      # fails with the diff if the checked-in YAML is stale
  cargo operator manifests --max-description-len 0
                                        # CRDs without descriptions (smaller; for CRDs that
                                        # embed a PodTemplateSpec)

A CRD bigger than 256 KiB cannot be installed with client-side `kubectl apply` (its copy in
an annotation is too long); the generated Makefile uses server-side apply. To make it smaller,
cut descriptions here or set `max-description-len` under `[manifests]` in operator.toml.")]
pub struct ManifestsArgs {
    /// Print what would be written, write nothing
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,
    /// Write nothing; print the diff and fail if a file is not what the code generates (CI).
    /// Always builds the project and asks the programs, never reading them from source
    #[arg(long)]
    pub check: bool,
    /// Cut every CRD description to N bytes, 0 drops them (controller-gen's maxDescLen);
    /// default: `[manifests] max-description-len` in operator.toml, else no limit
    #[arg(long, value_name = "N")]
    pub max_description_len: Option<usize>,
}

impl From<ManifestsArgs> for ManifestsOptions {
    fn from(args: ManifestsArgs) -> Self {
        ManifestsOptions {
            dry_run: args.dry_run,
            check: args.check,
            max_description_len: args.max_description_len,
        }
    }
}
