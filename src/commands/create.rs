use clap::{ArgAction, Args, Subcommand};

use crate::ops::create_api::{CreateApiOptions, create_api};
use crate::ops::create_webhook::{CreateWebhookOptions, create_webhook};

#[derive(Debug, Subcommand)]
pub enum CreateCommand {
    /// Scaffold an API type (and its CRD) and a reconciler for it
    Api(CreateApiArgs),
    /// Scaffold a defaulting, validating or conversion webhook for an existing kind
    Webhook(CreateWebhookArgs),
}

pub fn run(command: CreateCommand) -> anyhow::Result<()> {
    match command {
        CreateCommand::Api(args) => create_api(&args.into()),
        CreateCommand::Webhook(args) => create_webhook(&args.into()),
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator create webhook --group webapp --version v1 --kind Guestbook --defaulting --programmatic-validation
  cargo operator create webhook --group webapp --version v1 --kind Guestbook --conversion --spoke v2

The webhooks are served by the manager (--webhook-port, 9443) with the certificate that
cert-manager issues in the cluster (config/certmanager); `make run` and `cargo operator
envtest up` install them against a local self-signed certificate instead.")]
pub struct CreateWebhookArgs {
    /// API group short name of the kind
    #[arg(long)]
    pub group: String,
    /// Version of the kind; for --conversion, the hub (the stored version)
    #[arg(long)]
    pub version: String,
    /// The kind, as created with `create api`
    #[arg(long)]
    pub kind: String,
    /// A defaulting (mutating) webhook: src/webhook/<kind>_<version>_defaulter.rs
    #[arg(long)]
    pub defaulting: bool,
    /// A validating webhook for create, update (and delete): src/webhook/<kind>_<version>_validator.rs
    #[arg(long)]
    pub programmatic_validation: bool,
    /// A conversion webhook between --version (the hub) and the other versions of the kind
    #[arg(long)]
    pub conversion: bool,
    /// A version converted to and from the hub (repeatable; default: every other version)
    #[arg(long = "spoke", value_name = "VERSION")]
    pub spokes: Vec<String>,
    /// Overwrite files that exist and differ, and scaffold a webhook that exists again
    #[arg(long)]
    pub force: bool,
    /// Print what would be written, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

impl From<CreateWebhookArgs> for CreateWebhookOptions {
    fn from(args: CreateWebhookArgs) -> Self {
        CreateWebhookOptions {
            group: args.group,
            version: args.version,
            kind: args.kind,
            defaulting: args.defaulting,
            validation: args.programmatic_validation,
            conversion: args.conversion,
            spokes: args.spokes,
            force: args.force,
            dry_run: args.dry_run,
        }
    }
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator create api --group webapp --version v1 --kind Guestbook
  cargo operator create api --group infra --version v1alpha1 --kind Cluster --namespaced=false
  cargo operator create api --group webapp --version v2 --kind Guestbook --controller=false
  cargo operator create api --group net --version v1 --kind HTTPRoute --plural httproutes
  cargo operator create api --group cache --version v1alpha1 --kind Memcached --image memcached:1.6 --container-port 11211")]
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
    /// A reconciler that runs this image as an owned Deployment per object, with a
    /// finalizer and Available/Degraded conditions (kubebuilder's deploy-image plugin)
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
    /// The port the image listens on [default: 8080]
    #[arg(long, value_name = "PORT", requires = "image")]
    pub container_port: Option<u16>,
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
            image: args.image,
            container_port: args.container_port,
            force: args.force,
            dry_run: args.dry_run,
        }
    }
}
