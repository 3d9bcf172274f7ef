//! Command-line interface: one `Cli` parsed by clap, one `run()` per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::build::{BuildOptions, build};
use crate::error::Result;

#[derive(Debug, Parser)]
#[command(
    name = "showpress",
    version,
    about = "A static site generator for news-commentary blogs about talk shows"
)]
pub struct Cli {
    /// The site's folder (the one with config.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder.
    Build(BuildArgs),
    /// Serve the site locally, rebuilding and reloading the browser on every save.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on. Anything but 127.0.0.1 exposes the preview to your network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Include posts and pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include posts dated in the future (scheduled).
    #[arg(long)]
    pub future: bool,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    /// Poll the files instead of using OS notifications (network drives, WSL, containers).
    #[arg(long)]
    pub poll: bool,
}

impl ServeArgs {
    pub fn run(self, root: PathBuf) -> Result<()> {
        crate::serve::serve(crate::serve::ServeOptions {
            root,
            bind: self.bind,
            port: self.port,
            drafts: self.drafts,
            future: self.future,
            open: self.open,
            poll: self.poll,
        })
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Where to write the site [default: public, inside the site's folder].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Include posts and pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include posts dated in the future (scheduled).
    #[arg(long)]
    pub future: bool,
    /// Use this base URL instead of config.toml's `base_url`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

impl Cli {
    /// Runs the command; what it prints on success goes to stdout.
    pub fn run(self) -> Result<()> {
        match self.command {
            Command::Build(args) => args.run(self.root),
            Command::Serve(args) => args.run(self.root),
        }
    }
}

impl BuildArgs {
    pub fn run(self, root: PathBuf) -> Result<()> {
        let opts = BuildOptions {
            output: self.output.unwrap_or_else(|| root.join("public")),
            root,
            drafts: self.drafts,
            future: self.future,
            base_url: self.base_url,
        };
        let r = build(&opts)?;
        if r.scheduled > 0 {
            println!(
                "Held back {} scheduled post{} dated in the future (--future includes them)",
                r.scheduled,
                if r.scheduled == 1 { "" } else { "s" }
            );
        }
        println!(
            "Built {} pages ({} posts, {} static files, {:.1} MB) into {} in {} ms",
            r.pages,
            r.posts,
            r.static_files,
            r.bytes as f64 / 1_000_000.0,
            opts.output.display(),
            r.elapsed.as_millis()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
