use clap::{Args, CommandFactory};
use clap_complete::Shell;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  cargo operator completion bash > ~/.local/share/bash-completion/completions/cargo-operator
  cargo operator completion zsh > \"${fpath[1]}/_cargo-operator\"
  cargo operator completion fish > ~/.config/fish/completions/cargo-operator.fish")]
pub struct CompletionArgs {
    /// The shell to complete in
    pub shell: Shell,
}

pub fn run(args: CompletionArgs) -> anyhow::Result<()> {
    let mut command = super::Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "cargo-operator",
        &mut std::io::stdout(),
    );
    Ok(())
}
