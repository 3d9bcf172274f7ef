//! showpress: a static site generator for news-commentary blogs about broadcast talk shows.
//!
//! The build is a one-way pipeline, each stage a module that owns one thing:
//! [`config`] (config.toml → `Config`) → [`content`] (Markdown files → posts, profiles, pages)
//! → [`site`] (pure model: shows, episodes, guests, tags, ordering) → [`render`] (Tera) →
//! [`output`] (the only writer, swapping a staged build into place). [`build`] runs the stages;
//! [`cli`] parses arguments; only the binary prints fatal errors or chooses the exit code.

pub mod assets;
pub mod build;
pub mod cards;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod fingerprint;
pub mod fs;
pub mod import;
pub mod lazy;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shortcode;
pub mod site;
pub mod slug;
pub mod text;
pub mod urls;
pub mod video;

pub use error::{Error, Result};
