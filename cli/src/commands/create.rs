use clap::{ArgAction, Args, Subcommand};

use crate::ops::create_api::{CreateApiOptions, create_api};

#[derive(Debug, Subcommand)]
pub enum CreateCommand {
    /// Scaffold an API type (and its CRD) and a reconciler for it
    Api(CreateApiArgs),
}

pub fn run(command: CreateCommand) -> anyhow::Result<()> {
    match command {
        CreateCommand::Api(args) => create_api(&args.into()),
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator create api --group webapp --version v1 --kind Guestbook
  cargo operator create api --group infra --version v1alpha1 --kind Cluster --namespaced=false
  cargo operator create api --group webapp --version v2 --kind Guestbook --controller=false
  cargo operator create api --group net --version v1 --kind HTTPRoute --plural httproutes")]
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

impl From<CreateApiArgs> for CreateApiOptions {
    fn from(args: CreateApiArgs) -> Self {
        CreateApiOptions {
            group: args.group,
            version: args.version,
            kind: args.kind,
            plural: args.plural,
            namespaced: args.namespaced,
            resource: args.resource,
            controller: args.controller,
            force: args.force,
            dry_run: args.dry_run,
        }
    }
}
