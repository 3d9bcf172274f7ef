//! The URL a post had on its old site: Jekyll's and Hugo's permalink patterns (`/:year/:month/
//! :title/`), their slug rules, Zola's section paths, and the base path the old site lived
//! under. What comes out is a root-relative path of the new site, ready to be an alias.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};

/// What a permalink pattern can refer to.
pub struct UrlParts<'a> {
    pub date: Option<DateTime<FixedOffset>>,
    /// Jekyll's `:title` / Hugo's `:slug`: the slug the old generator used.
    pub slug: &'a str,
    /// `:title`: Jekyll's file-name slug, Hugo's title made a URL segment ([`urlize`]).
    pub title: &'a str,
    pub categories: &'a [String],
    /// Hugo's `:section` and `:filename`.
    pub section: &'a str,
    pub filename: &'a str,
}

/// Jekyll's named permalink styles, as its docs define them.
pub fn jekyll_style(style: &str) -> &str {
    match style {
        "date" => "/:categories/:year/:month/:day/:title:output_ext",
        "pretty" => "/:categories/:year/:month/:day/:title/",
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext",
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext",
        "none" => "/:categories/:title:output_ext",
        other => other,
    }
}

/// Fills a permalink pattern. `ext` is what `:output_ext` becomes (`.html` in Jekyll). An
/// unknown placeholder, or a date placeholder without a date, is an error naming it.
pub fn fill(pattern: &str, parts: &UrlParts, ext: &str) -> Result<String, String> {
    substitute(pattern, |name| {
        let d = parts.date;
        let need = |f: &dyn Fn(&DateTime<FixedOffset>) -> String| {
            d.as_ref()
                .map(f)
                .ok_or_else(|| format!("`:{name}` needs a date"))
        };
        Ok(match name {
            "year" => need(&|d| format!("{:04}", d.year()))?,
            "short_year" => need(&|d| format!("{:02}", d.year() % 100))?,
            "month" => need(&|d| format!("{:02}", d.month()))?,
            "i_month" => need(&|d| d.month().to_string())?,
            "monthname" => need(&|d| d.format("%B").to_string().to_lowercase())?,
            "day" => need(&|d| format!("{:02}", d.day()))?,
            "i_day" => need(&|d| d.day().to_string())?,
            "y_day" => need(&|d| format!("{:03}", d.ordinal()))?,
            "hour" => need(&|d| format!("{:02}", d.hour()))?,
            "minute" => need(&|d| format!("{:02}", d.minute()))?,
            "second" => need(&|d| format!("{:02}", d.second()))?,
            "slug" => parts.slug.to_string(),
            "title" => parts.title.to_string(),
            "categories" => parts
                .categories
                .iter()
                .map(|c| c.to_lowercase().replace(' ', "-"))
                .collect::<Vec<_>>()
                .join("/"),
            "section" => parts.section.to_string(),
            "filename" | "contentbasename" => parts.filename.to_string(),
            "output_ext" => ext.to_string(),
            _ => return Err(format!("unknown placeholder `:{name}`")),
        })
    })
}

/// Replaces every `:name` placeholder of `pattern` by `value(name)`, and cleans the path.
pub fn substitute(
    pattern: &str,
    mut value: impl FnMut(&str) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        out.push_str(&value(&after[..len])?);
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(clean(&out))
}

/// Hugo's `urlize`: lowercase, spaces to `-`, URL punctuation out.
pub fn urlize(s: &str) -> String {
    let mut out = String::new();
    for c in s.trim().chars() {
        if c.is_whitespace() {
            out.push('-');
        } else if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// One leading `/`, no `//`, no `.` or `..` segments: the path as a server answers it.
pub fn clean(path: &str) -> String {
    let ends_with_slash = path.ends_with('/');
    let segs: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    let mut out = format!("/{}", segs.join("/"));
    if ends_with_slash && out != "/" {
        out.push('/');
    }
    out
}

/// The path of an old URL under the new site's root: `url` may be a full URL or a path,
/// and starts with the old site's `base_path` (`/blog`), which is taken off since the new
/// site's `base_url` keeps it.
pub fn site_path(url: &str, base_path: &str) -> String {
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("/", |j| &url[i + 3 + j..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = clean(path);
    let base = clean(base_path);
    if base != "/" {
        let base = base.trim_end_matches('/');
        if let Some(rest) = path.strip_prefix(base)
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return clean(&format!("/{rest}"));
        }
    }
    path
}

/// A path and the same path as the new site will write it are one URL when they differ only
/// in a trailing `index.html` or in percent-encoding.
pub fn same_url(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        let s = percent_encoding::percent_decode_str(s).decode_utf8_lossy();
        let s = s.strip_suffix("index.html").unwrap_or(&s).to_string();
        if s.ends_with('/') { s } else { format!("{s}/") }
    };
    // `/x` is served as `/x/` only when `/x` has no extension; `/x.html` is another page.
    let has_ext = |s: &str| s.rsplit('/').next().is_some_and(|l| l.contains('.'));
    if has_ext(a) != has_ext(b) && !(a.ends_with("index.html") || b.ends_with("index.html")) {
        return false;
    }
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339("2024-03-05T23:30:00+09:00").ok()
    }

    #[test]
    fn jekyll_styles() {
        let cats = ["Money Talk".to_string()];
        let p = UrlParts {
            date: date(),
            slug: "deepseek",
            title: "deepseek",
            categories: &cats,
            section: "",
            filename: "",
        };
        assert_eq!(
            fill(jekyll_style("date"), &p, ".html").unwrap(),
            "/money-talk/2024/03/05/deepseek.html"
        );
        assert_eq!(
            fill(jekyll_style("pretty"), &p, ".html").unwrap(),
            "/money-talk/2024/03/05/deepseek/"
        );
        let none = UrlParts {
            categories: &[],
            ..p
        };
        assert_eq!(
            fill("/:year/:i_month/:title/", &none, ".html").unwrap(),
            "/2024/3/deepseek/"
        );
        assert!(fill("/:nope/", &none, ".html").is_err());
    }

    #[test]
    fn hugo_title_is_urlized() {
        let p = UrlParts {
            date: None,
            slug: "x",
            title: &urlize("Hello, 세계 Again"),
            categories: &[],
            section: "posts",
            filename: "f",
        };
        assert_eq!(
            fill("/:section/:title/", &p, "").unwrap(),
            "/posts/hello-세계-again/"
        );
        assert!(fill("/:year/:slug/", &p, "").is_err());
    }

    #[test]
    fn base_path_is_taken_off() {
        assert_eq!(site_path("/blog/2024/x/", "/blog/"), "/2024/x/");
        assert_eq!(
            site_path("https://a.example/blog/x.html", "/blog"),
            "/x.html"
        );
        assert_eq!(site_path("/blogger/x/", "/blog"), "/blogger/x/");
        assert!(same_url("/posts/가/", "/posts/%EA%B0%80/"));
        assert!(same_url("/posts/a/index.html", "/posts/a/"));
        assert!(!same_url("/posts/a.html", "/posts/a/"));
    }
}
