use clap::Args;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator version    # the CLI's versions, and the project's if run inside one")]
pub struct VersionArgs {}
