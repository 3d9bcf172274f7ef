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
            for d in &diags {
                eprintln!("{d}\n");
            }
            eprintln!("{}", showpress::diagnostic::failure_summary(&diags));
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
