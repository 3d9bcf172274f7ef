//! The `showpress` binary: parses arguments, runs the command, prints any fatal error and picks
//! the exit code. Everything else lives in the library.

use std::process::ExitCode;

use clap::Parser;
use showpress::Error;
use showpress::cli::Cli;

// A build allocates millions of small strings and vectors on every thread (decoding the cache,
// the site model, rendering). With glibc's allocator at 10k posts, a one-post rebuild spent a
// noticeable share of its time in malloc and in the kernel growing per-thread heaps under the
// address-space lock; mimalloc's thread-local pages avoid most of both.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
