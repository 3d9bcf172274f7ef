//! The `import` subcommand's arguments and what it prints: the report on stdout, errors on
//! stderr in the cargo style, exit 1 when a post could not be imported.

use std::path::PathBuf;

use clap::Args;

use super::{From, Mapping, Options};
use crate::error::{Error, Result};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The generator that made the source site.
    #[arg(value_enum)]
    pub from: From,
    /// The source site's folder (only read).
    pub src: PathBuf,
    /// The showpress site to write into [default: --root, the current folder]; a folder
    /// without config.toml becomes a new site.
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// One show for every post.
    #[arg(long, value_name = "NAME", conflicts_with = "show_from")]
    pub show: Option<String>,
    /// A front-matter key whose (first) value names the show: categories, series, …
    #[arg(long, value_name = "KEY")]
    pub show_from: Option<String>,
    /// A front-matter key listing the guests: participants, contributors, …
    #[arg(long, value_name = "KEY")]
    pub guests_from: Option<String>,
    /// Where the episode number is: title, permalink, or a front-matter key.
    #[arg(long, value_name = "title|permalink|KEY")]
    pub episode_from: Option<String>,
    /// A TOML file with the same settings (show, show_from, guests_from, episode_from) and a
    /// [shows] table renaming source values to show names.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
}

impl ImportArgs {
    pub fn run(self, root: PathBuf) -> Result<()> {
        let mut mapping = match &self.mapping {
            None => Mapping::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Error::Message(format!("cannot read {}: {e}", path.display())))?;
                toml::from_str::<Mapping>(&text).map_err(|e| {
                    let rel = path.display().to_string();
                    Error::Diagnostics(vec![crate::diagnostic::from_toml(&rel, &text, 0, &e)])
                })?
            }
        };
        if self.show.is_some() || self.show_from.is_some() {
            mapping.show = self.show;
            mapping.show_from = self.show_from;
        }
        mapping.guests_from = self.guests_from.or(mapping.guests_from);
        mapping.episode_from = self.episode_from.or(mapping.episode_from);
        let outcome = super::import(&Options {
            from: self.from,
            src: self.src,
            into: self.into.unwrap_or(root),
            mapping,
        })?;
        for d in &outcome.diagnostics {
            eprintln!("{d}\n");
        }
        print!("{}", outcome.report);
        if outcome.failed.any() {
            return Err(Error::Failed(format!(
                "error: could not import {}",
                outcome.failed.text()
            )));
        }
        Ok(())
    }
}
