//! `preflight completions SHELL` and `preflight man`: the shell's completion script
//! and the manual page, both generated from the same clap definition as the parser.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use clap_complete::Shell;

use super::{Exit, Failure};

/// Arguments of `preflight completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `preflight man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write the page here instead of standard output (e.g. target/man/preflight.1).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Prints the completion script for `args.shell`.
pub fn completions(args: CompletionsArgs, mut command: clap::Command) -> Result<Exit, Failure> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "preflight", &mut out);
    write_out(&out, None)
}

/// Renders the manual page (roff), with every subcommand on the one page.
pub fn man(args: ManArgs, command: clap::Command) -> Result<Exit, Failure> {
    let mut out = Vec::new();
    let command = command.version(env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(command.clone())
        .render(&mut out)
        .map_err(|e| Failure::usage(format!("cannot render the manual page: {e}")))?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Each command's own options, under a section named after it.
        let name = format!("preflight {}", sub.get_name());
        writeln!(out, ".SH \"{}\"", name.to_uppercase()).map_err(Failure::usage)?;
        let page = clap_mangen::Man::new(sub.clone().display_name(name.clone()).bin_name(name));
        page.render_description_section(&mut out)
            .and_then(|_| page.render_synopsis_section(&mut out))
            .and_then(|_| page.render_options_section(&mut out))
            .and_then(|_| page.render_subcommands_section(&mut out))
            .map_err(|e| Failure::usage(format!("cannot render the manual page: {e}")))?;
    }
    write_out(&out, args.output.as_ref())
}

fn write_out(bytes: &[u8], path: Option<&PathBuf>) -> Result<Exit, Failure> {
    let written = match path {
        Some(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Failure::usage(format!("cannot create {}: {e}", dir.display())))?;
            }
            std::fs::write(path, bytes)
                .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
        }
        None => super::write_stdout(bytes),
    };
    written.map(|_| Exit::Pass)
}
