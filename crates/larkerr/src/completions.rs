//! `larkerr completions SHELL`: a completion script generated from the command line's
//! own definition, so it always matches.

use std::io::{self, Write};

use clap_complete::Shell;

use crate::Status;
use crate::output;

/// Print a shell completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "Install, for example:\n  \
    bash: larkerr completions bash > ~/.local/share/bash-completion/completions/larkerr\n  \
    zsh:  larkerr completions zsh > ~/.zfunc/_larkerr   (with ~/.zfunc in $fpath)\n  \
    fish: larkerr completions fish > ~/.config/fish/completions/larkerr.fish\n  \
    powershell: larkerr completions powershell | Out-String | Invoke-Expression")]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

/// Runs `larkerr completions`.
pub fn run(args: &Args) -> io::Result<Status> {
    let mut command = crate::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "larkerr", &mut script);
    let mut out = output::stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(Status::Found)
}
