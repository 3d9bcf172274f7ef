//! Command-line interface: one `Cli` parsed by clap, one `run()` per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::build::{BuildOptions, CacheMode, build};
use crate::error::Result;
use crate::text::count;

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
    /// Check everything a build would, and more, without writing anything.
    Check(CheckArgs),
    /// Write a new post with valid front matter and print its path.
    New(NewArgs),
    /// Create a new, working site in an empty or new folder.
    Init(InitArgs),
    /// Import a Jekyll, Hugo or Zola site's posts, keeping their old URLs as aliases.
    Import(crate::import::cli::ImportArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Exit with 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

impl CheckArgs {
    pub fn run(self, root: PathBuf) -> Result<()> {
        let report = crate::check::check(&root, crate::dates::Clock::from_env().now())?;
        for d in &report.diagnostics {
            eprintln!("{d}\n");
        }
        let (errors, warnings) = (report.errors(), report.warnings());
        let plural = count;
        let mut summary = format!(
            "check: {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        // Counts only when the site got as far as rendering.
        if report.pages > 0 {
            summary.push_str(&format!(
                " ({} checked, {} rendered)",
                plural(report.posts, "post"),
                plural(report.pages, "page")
            ));
        }
        if errors > 0 || (warnings > 0 && self.deny_warnings) {
            return Err(crate::error::Error::Failed(summary));
        }
        println!("{summary}");
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The post's title.
    pub title: String,
    /// The show the post comments on.
    #[arg(long)]
    pub show: Option<String>,
    /// The episode number (default with --show: the show's next one).
    #[arg(long)]
    pub episode: Option<u32>,
    /// A guest, as "name" or "name:role" (repeat for more).
    #[arg(long = "guest", value_name = "NAME[:ROLE]")]
    pub guests: Vec<String>,
    /// The article the post is based on (absolute http(s) URL).
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
    /// A tag (repeat for more).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// The post's date (2025-03-25, 2025-03-25T11:46:00 or with an offset); default: now.
    #[arg(long)]
    pub date: Option<String>,
    /// When the episode was broadcast (same forms as --date); needs --show.
    #[arg(long)]
    pub aired: Option<String>,
}

impl NewArgs {
    pub fn run(self, root: PathBuf) -> Result<()> {
        let created = crate::scaffold::new_post(
            &root,
            &crate::scaffold::NewPost {
                title: self.title,
                show: self.show,
                episode: self.episode,
                guests: self.guests,
                source: self.source,
                tags: self.tags,
                date: self.date,
                aired: self.aired,
            },
        )?;
        if let Some((next, last)) = created.proposed_episode {
            match last {
                Some(last) => eprintln!(
                    "note: episode = {next}, the next after {last} (edit it if that is not the one)"
                ),
                None => eprintln!(
                    "note: episode = 1, the show's first in this site (edit it if needed)"
                ),
            }
        }
        println!("{}", created.path.display());
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder for the new site [default: --root, the current folder].
    pub dir: Option<PathBuf>,
    /// Write into a folder that is not empty (files of the same names are replaced).
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    pub fn run(self, root: PathBuf) -> Result<()> {
        let dir = self.dir.unwrap_or(root);
        let files = crate::scaffold::init_site(&dir, self.force)?;
        println!(
            "Created a showpress site in {} ({}). Next:",
            dir.display(),
            crate::text::count(files.len(), "file")
        );
        println!("  cd {}", dir.display());
        println!("  showpress serve      # preview at http://127.0.0.1:1111/ while you write");
        println!("  showpress new \"제목\" --show \"프로그램\"   # start a post");
        println!("  showpress build      # publish to public/");
        Ok(())
    }
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
            clock: crate::dates::Clock::from_env(),
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
    /// Keep the build cache here [default: .showpress, inside the site's folder].
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    pub cache_dir: Option<PathBuf>,
    /// Build everything from scratch and write no cache.
    #[arg(long)]
    pub no_cache: bool,
}

impl Cli {
    /// Runs the command; what it prints on success goes to stdout.
    pub fn run(self) -> Result<()> {
        match self.command {
            Command::Build(args) => args.run(self.root),
            Command::Serve(args) => args.run(self.root),
            Command::Check(args) => args.run(self.root),
            Command::New(args) => args.run(self.root),
            Command::Init(args) => args.run(self.root),
            Command::Import(args) => args.run(self.root),
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
            clock: crate::dates::Clock::from_env(),
            cache: match (self.no_cache, self.cache_dir) {
                (true, _) => CacheMode::Off,
                (false, Some(dir)) => CacheMode::Dir(dir),
                (false, None) => CacheMode::InSite,
            },
        };
        let r = build(&opts)?;
        if let Some(note) = &r.cache_note {
            eprintln!("note: {note}");
        }
        for notice in &r.notices {
            eprintln!("{notice}");
        }
        for warning in &r.shadowed {
            eprintln!("{warning}\n");
        }
        if r.scheduled > 0 {
            println!(
                "Held back {} dated in the future (--future includes them)",
                count(r.scheduled, "scheduled post")
            );
        }
        println!(
            "Built {} ({}, {}, {:.1} MB) into {} in {} ms: {} written, {} removed",
            count(r.pages, "page"),
            count(r.posts, "post"),
            count(r.static_files, "static file"),
            r.bytes as f64 / 1_000_000.0,
            opts.output.display(),
            r.elapsed.as_millis(),
            count(r.written, "file"),
            r.removed,
        );
        if r.images + r.images_cached > 0 {
            println!(
                "Images: {} processed, {} from the cache",
                r.images, r.images_cached
            );
        }
        if r.cards + r.cards_cached > 0 {
            println!(
                "Social cards: {} drawn, {} from the cache",
                r.cards, r.cards_cached
            );
        }
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
