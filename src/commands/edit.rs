use clap::Args;

use crate::ops::edit::EditOptions;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator edit --image registry.example.com/guestbook-operator:v0.1.0
  cargo operator edit --max-description-len 0     # CRDs without descriptions
  cargo operator edit --no-max-description-len    # full descriptions again")]
pub struct EditArgs {
    /// The manager's image: the default of the Makefile's IMG (`make docker-build deploy`)
    #[arg(long)]
    pub image: Option<String>,
    /// Cut CRD descriptions to N bytes in `manifests` (0 drops them): [manifests] in operator.toml
    #[arg(long, value_name = "N", conflicts_with = "no_max_description_len")]
    pub max_description_len: Option<usize>,
    /// Keep CRD descriptions whole again
    #[arg(long)]
    pub no_max_description_len: bool,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl From<EditArgs> for EditOptions {
    fn from(args: EditArgs) -> Self {
        EditOptions {
            image: args.image,
            max_description_len: if args.no_max_description_len {
                Some(None)
            } else {
                args.max_description_len.map(Some)
            },
            dry_run: args.dry_run,
        }
    }
}
