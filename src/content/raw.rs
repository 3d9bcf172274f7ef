//! Serde mirrors of the front matter of posts, profiles and pages, exactly as written.
//! Validation into typed values happens in `parse.rs`; these only decide which keys exist.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPost {
    pub title: Option<Spanned<String>>,
    pub date: Option<Spanned<toml::Value>>,
    pub updated: Option<Spanned<toml::Value>>,
    pub show: Option<Spanned<String>>,
    pub episode: Option<Spanned<i64>>,
    /// When the episode was broadcast (`date` is when the post was written).
    pub aired: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub tags: Vec<Spanned<String>>,
    pub summary: Option<String>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    pub guests: Option<Spanned<Vec<Spanned<StrOr<RawGuest>>>>>,
    pub source: Option<Spanned<StrOr<RawSource>>>,
    pub image: Option<String>,
    /// The episode's video: YouTube, Naver TV or a file (see `crate::video`).
    pub video: Option<Spanned<String>>,
    /// Old addresses that redirect here (see `crate::urls::alias_path`).
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGuest {
    pub name: Option<Spanned<String>>,
    pub role: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub url: Option<Spanned<String>>,
    pub outlet: Option<String>,
    pub title: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShowProfile {
    pub name: Option<Spanned<String>>,
    pub network: Option<String>,
    pub homepage: Option<Spanned<String>>,
    pub schedule: Option<String>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGuestProfile {
    pub name: Option<Spanned<String>>,
    pub role: Option<String>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub title: Option<Spanned<String>>,
    pub date: Option<Spanned<toml::Value>>,
    pub updated: Option<Spanned<toml::Value>>,
    pub summary: Option<String>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    /// Old addresses that redirect here (see `crate::urls::alias_path`).
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    #[serde(default)]
    pub extra: toml::Table,
}

/// A value that may be written as a plain string or as a table: `source = "https://…"` or
/// `[source] url = …`, `guests = ["이름"]` or `[[guests]] name = …`. Hand-written rather than
/// `#[serde(untagged)]` so errors inside the table (an unknown key, a wrong type) keep their
/// exact position instead of becoming "data did not match any variant".
pub enum StrOr<T> {
    Str(String),
    Table(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for StrOr<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = StrOr<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrOr::Str(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(StrOr::Table)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}
