//! Images for a theme's own templates: `resize_image(path="/images/logo.png", width=240)` gives
//! `{url, width, height}` of a resized copy, and `"/images/banner.jpg" | picture(alt="…")` the
//! same `<picture>` markup Markdown images get. Both take images of `static/`.
//!
//! Why only literal paths and widths: the engine makes every image file before pages render
//! and keeps the pages it need not render again, so it must know every resized copy a template
//! asks for without rendering. The templates' text is read for these calls when they load;
//! a call with a variable path is an error that says so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tera::{Kwargs, State, Tera};

use crate::assets::images::{self, Probe, Shown};
use crate::config::ImageOptions;
use crate::fingerprint::{self, FastMap};
use crate::urls::Linker;

/// A resized copy a template asks for: an image of `static/` (path under it) at one width,
/// or (`None`) at every width, for `picture`.
pub type Request = (String, Option<u32>);

/// What the image function and filter share with the engine.
#[derive(Default, Clone)]
pub struct TemplateImages {
    /// Found in the templates' text when they loaded, sorted.
    pub requests: Vec<Request>,
    /// Headers of the images of `static/`, set by the engine before pages render.
    probes: Arc<RwLock<FastMap<String, Probe>>>,
    /// Fingerprint of the requested images' headers: part of every page's key, so a page
    /// showing a theme image renders again when that image's size changes.
    fingerprint: Arc<AtomicU64>,
}

impl TemplateImages {
    /// The requests written in `sources` (template texts).
    pub fn scan<'a>(sources: impl IntoIterator<Item = &'a str>) -> TemplateImages {
        let mut requests = Vec::new();
        for text in sources {
            for (i, _) in text.match_indices("resize_image(") {
                let args = &text[i + "resize_image(".len()..];
                let args = &args[..args.find(')').unwrap_or(args.len())];
                if let (Some(path), Some(width)) =
                    (string_arg(args, "path"), number_arg(args, "width"))
                    && let Some(rel) = path.strip_prefix('/')
                {
                    requests.push((rel.to_string(), Some(width)));
                }
            }
            for (i, _) in text.match_indices('|') {
                let after = text[i + 1..].trim_start();
                if !after.starts_with("picture") {
                    continue;
                }
                let before = text[..i].trim_end();
                let Some(quote) = before.chars().last().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                let body = &before[..before.len() - 1];
                if let Some(start) = body.rfind(quote)
                    && let Some(rel) = body[start + 1..].strip_prefix('/')
                {
                    requests.push((rel.to_string(), None));
                }
            }
        }
        requests.sort();
        requests.dedup();
        TemplateImages {
            requests,
            ..TemplateImages::default()
        }
    }

    /// Gives the function and filter the headers of the images of `static/`.
    pub fn set_probes(&self, probes: FastMap<String, Probe>) {
        let wanted: Vec<(&String, Option<&Probe>)> = self
            .requests
            .iter()
            .map(|(rel, _)| (rel, probes.get(rel)))
            .collect();
        self.fingerprint
            .store(fingerprint::of(&wanted), Ordering::Relaxed);
        if let Ok(mut p) = self.probes.write() {
            *p = probes;
        }
    }

    pub fn fingerprint(&self) -> u64 {
        self.fingerprint.load(Ordering::Relaxed)
    }

    fn probe(&self, rel: &str) -> Option<Probe> {
        self.probes.read().ok()?.get(rel).copied()
    }

    /// Registers `resize_image` and `picture`.
    pub fn register(&self, tera: &mut Tera, opts: &ImageOptions, link: Linker) {
        let (me, l) = (self.clone(), link.clone());
        tera.register_function(
            "resize_image",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                let path: String = kwargs.must_get("path")?;
                let width: u32 = kwargs.must_get("width")?;
                let rel = path.strip_prefix('/').unwrap_or(&path).to_string();
                if !me.requests.contains(&(rel.clone(), Some(width))) {
                    return Err(tera::Error::message(format!(
                        "resize_image needs a literal path and width, such as `resize_image(path=\"/images/logo.png\", width=240)` (showpress makes the files before rendering); got path \"{path}\", width {width}"
                    )));
                }
                let probe = me.probe(&rel).ok_or_else(|| not_found(&path))?;
                let (dir, name) = images::split_dir(&rel);
                let v = images::sized(name, &probe, width).ok_or_else(|| not_found(&path))?;
                let mut map = std::collections::BTreeMap::<String, tera::Value>::new();
                map.insert("url".into(), l.url(&format!("{dir}{}", v.name)).into());
                map.insert("width".into(), v.width.into());
                map.insert("height".into(), v.height.into());
                Ok(tera::Value::from(map))
            },
        );
        let (me, opts) = (self.clone(), opts.clone());
        tera.register_filter(
            "picture",
            move |path: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                let rel = path.strip_prefix('/').unwrap_or(path).to_string();
                if !me.requests.contains(&(rel.clone(), None)) {
                    return Err(tera::Error::message(format!(
                        "the `picture` filter needs a literal path, such as `\"/images/banner.jpg\" | picture(alt=\"…\")` (showpress makes the files before rendering); got \"{path}\""
                    )));
                }
                let probe = me.probe(&rel).ok_or_else(|| not_found(path))?;
                let alt: String = kwargs.get("alt")?.unwrap_or_default();
                let eager: bool = kwargs.get("eager")?.unwrap_or(false);
                let (dir, name) = images::split_dir(&rel);
                let dir_url = link.url(dir);
                let html = images::markup(
                    &Shown {
                        dir_url: &dir_url,
                        name,
                        alt: &alt,
                        title: "",
                        eager,
                    },
                    &probe,
                    &opts,
                );
                Ok(tera::Value::safe_string(&html))
            },
        );
    }
}

fn not_found(path: &str) -> tera::Error {
    tera::Error::message(format!(
        "no image `static{}`: theme images are files of static/, expected a JPEG, PNG or WebP there",
        if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        }
    ))
}

/// `path="x"` or `path='x'` in a call's arguments.
fn string_arg<'a>(args: &'a str, name: &str) -> Option<&'a str> {
    let at = args.find(&format!("{name}="))? + name.len() + 1;
    let rest = args[at..].trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    Some(&body[..body.find(quote)?])
}

/// `width=240` in a call's arguments.
fn number_arg(args: &str, name: &str) -> Option<u32> {
    let at = args.find(&format!("{name}="))? + name.len() + 1;
    let rest = args[at..].trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_calls_are_found_in_template_text() {
        let t = TemplateImages::scan([
            "{% set logo = resize_image(path=\"/images/logo.png\", width=240) %}\n{{ '/images/banner.jpg' | picture(alt=\"배너\") }} {{ x | picture }}",
        ]);
        assert_eq!(
            t.requests,
            [
                ("images/banner.jpg".to_string(), None),
                ("images/logo.png".to_string(), Some(240))
            ]
        );
    }
}
