//! The `showpress` binary: parses arguments, runs the command, prints any fatal error and picks
//! the exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use showpress::Error;
use showpress::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Diagnostics(diags)) => {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            for d in &diags {
                eprintln!("{d}\n");
            }
            let files = {
                let mut f: Vec<&str> = diags.iter().map(|d| d.path.as_str()).collect();
                f.sort_unstable();
                f.dedup();
                f.len()
            };
            eprintln!(
                "error: could not build the site: {errors} error{} in {files} file{}",
                if errors == 1 { "" } else { "s" },
                if files == 1 { "" } else { "s" }
            );
            ExitCode::FAILURE
        }
        Err(Error::Failed(summary)) => {
            eprintln!("{summary}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
