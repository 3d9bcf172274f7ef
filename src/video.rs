//! The episode's video: which URLs a post's `video =` (and the `video`/`youtube` shortcodes)
//! accept, and the URLs showpress derives from them — where to watch, what to embed after the
//! reader clicks, the thumbnail search engines may show, a link to a given second.
//!
//! Used by `content` (validation at the key's line), `render` (the click-to-play facade, JSON-LD
//! and the shortcodes), so it sits below both.

use url::Url;

/// What the error for a rejected URL lists.
pub const ACCEPTED: &str = "a YouTube URL (`https://www.youtube.com/watch?v=ID`, `https://youtu.be/ID`, `https://www.youtube.com/live/ID` or `https://www.youtube.com/shorts/ID`), a Naver TV URL (`https://tv.naver.com/v/ID`), or a direct `.mp4` or `.webm` file URL";

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Provider {
    YouTube,
    Naver,
    /// A video file served as is (`<video>`).
    File,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Video {
    pub provider: Provider,
    /// YouTube's 11-character id, Naver TV's number, or the file's URL.
    pub id: String,
    /// Where the URL asked playback to start (`t=`, `start=`), in seconds.
    pub start: Option<u32>,
}

impl Video {
    /// Reads a video URL in any of the [`ACCEPTED`] forms.
    pub fn parse(input: &str) -> Result<Video, String> {
        let text = input.trim();
        let rejected = || format!("unsupported video URL `{text}`, expected {ACCEPTED}");
        let url = Url::parse(text).map_err(|_| rejected())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(rejected());
        }
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let host = host.strip_prefix("m.").unwrap_or(host);
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let query = |key: &str| {
            url.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        let start = query("t")
            .or_else(|| query("start"))
            .and_then(|t| seconds(&t));
        let youtube = |id: &str| {
            youtube_id(id).map(|id| Video {
                provider: Provider::YouTube,
                id,
                start,
            })
        };
        let found = match (host, segments.as_slice()) {
            ("youtube.com" | "music.youtube.com", ["watch"]) => {
                query("v").and_then(|v| youtube(&v))
            }
            ("youtube.com" | "youtube-nocookie.com", [kind, id])
                if matches!(*kind, "live" | "shorts" | "embed") =>
            {
                youtube(id)
            }
            ("youtu.be", [id]) => youtube(id),
            ("tv.naver.com", ["v" | "embed", id]) if id.bytes().all(|b| b.is_ascii_digit()) => {
                Some(Video {
                    provider: Provider::Naver,
                    id: id.to_string(),
                    start,
                })
            }
            _ => {
                let path = url.path().to_ascii_lowercase();
                (path.ends_with(".mp4") || path.ends_with(".webm")).then(|| Video {
                    provider: Provider::File,
                    id: text.to_string(),
                    start: None,
                })
            }
        };
        found.ok_or_else(rejected)
    }

    /// The YouTube video with this id (the `youtube` shortcode's `id`), if it is one.
    pub fn youtube(id: &str) -> Option<Video> {
        youtube_id(id).map(|id| Video {
            provider: Provider::YouTube,
            id,
            start: None,
        })
    }

    /// Where a reader watches it (the facade's link without JavaScript), from `at` seconds.
    pub fn watch_url(&self, at: Option<u32>) -> String {
        let at = at.or(self.start);
        match self.provider {
            Provider::YouTube => match at {
                Some(s) => format!("https://www.youtube.com/watch?v={}&t={s}s", self.id),
                None => format!("https://www.youtube.com/watch?v={}", self.id),
            },
            Provider::Naver => match at {
                Some(s) => format!("https://tv.naver.com/v/{}?t={s}", self.id),
                None => format!("https://tv.naver.com/v/{}", self.id),
            },
            // Media fragments: browsers start a file at `#t=` seconds.
            Provider::File => match at {
                Some(s) => format!("{}#t={s}", self.id),
                None => self.id.clone(),
            },
        }
    }

    /// The player the facade's click loads. YouTube's privacy-enhanced host sets no cookies
    /// until the reader plays.
    pub fn embed_url(&self) -> Option<String> {
        match self.provider {
            Provider::YouTube => Some(match self.start {
                Some(s) => format!(
                    "https://www.youtube-nocookie.com/embed/{}?autoplay=1&start={s}",
                    self.id
                ),
                None => format!(
                    "https://www.youtube-nocookie.com/embed/{}?autoplay=1",
                    self.id
                ),
            }),
            Provider::Naver => Some(format!(
                "https://tv.naver.com/embed/{}?autoPlay=true",
                self.id
            )),
            Provider::File => None,
        }
    }

    /// The player's address for metadata (JSON-LD `embedUrl`, `og:video`): the provider's
    /// canonical embed URL, without autoplay.
    pub fn player_url(&self) -> Option<String> {
        match self.provider {
            Provider::YouTube => Some(format!("https://www.youtube.com/embed/{}", self.id)),
            Provider::Naver => Some(format!("https://tv.naver.com/embed/{}", self.id)),
            Provider::File => None,
        }
    }

    /// The provider's own thumbnail, for JSON-LD (never loaded by the page itself: that would
    /// be a request to a third party before the reader asked for the video).
    pub fn thumbnail_url(&self) -> Option<String> {
        match self.provider {
            Provider::YouTube => Some(format!("https://i.ytimg.com/vi/{}/hqdefault.jpg", self.id)),
            Provider::Naver | Provider::File => None,
        }
    }

    /// The file's MIME type, for `<video><source type>`.
    pub fn mime(&self) -> Option<&'static str> {
        match self.provider {
            Provider::File
                if self
                    .id
                    .to_ascii_lowercase()
                    .split(['?', '#'])
                    .next()?
                    .ends_with(".webm") =>
            {
                Some("video/webm")
            }
            Provider::File => Some("video/mp4"),
            _ => None,
        }
    }

    pub fn provider_name(&self) -> &'static str {
        match self.provider {
            Provider::YouTube => "youtube",
            Provider::Naver => "naver",
            Provider::File => "file",
        }
    }
}

fn youtube_id(s: &str) -> Option<String> {
    (s.len() == 11
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| s.to_string())
}

/// `754`, `754s`, `12m34s`, `1h2m3s`: seconds.
fn seconds(t: &str) -> Option<u32> {
    if let Ok(n) = t.parse::<u32>() {
        return Some(n);
    }
    let mut total: u32 = 0;
    let mut n: u32 = 0;
    let mut digits = false;
    for c in t.chars() {
        match c {
            '0'..='9' => {
                n = n.checked_mul(10)?.checked_add(c as u32 - '0' as u32)?;
                digits = true;
            }
            'h' | 'm' | 's' if digits => {
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
                n = 0;
                digits = false;
            }
            _ => return None,
        }
    }
    (!digits).then_some(total)
}

/// A moment in a video as writers type it: `12:34` or `1:02:03` (or plain seconds).
pub fn timestamp(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut total: u32 = 0;
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 5 {
            return None;
        }
        let v: u32 = p.parse().ok()?;
        // Minutes and seconds after the first part stay below 60.
        if i > 0 && v >= 60 {
            return None;
        }
        total = total.checked_mul(60)?.checked_add(v)?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yt(url: &str) -> (String, Option<u32>) {
        let v = Video::parse(url).unwrap();
        assert_eq!(v.provider, Provider::YouTube, "{url}");
        (v.id, v.start)
    }

    #[test]
    fn youtube_forms() {
        let id = "dQw4w9WgXcQ".to_string();
        assert_eq!(
            yt("https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
            (id.clone(), None)
        );
        assert_eq!(
            yt("https://youtube.com/watch?v=dQw4w9WgXcQ&t=754s"),
            (id.clone(), Some(754))
        );
        assert_eq!(
            yt("https://m.youtube.com/watch?si=abc&v=dQw4w9WgXcQ"),
            (id.clone(), None)
        );
        assert_eq!(
            yt("https://youtu.be/dQw4w9WgXcQ?si=Xy_z&t=90"),
            (id.clone(), Some(90))
        );
        assert_eq!(
            yt("https://www.youtube.com/live/dQw4w9WgXcQ?si=q"),
            (id.clone(), None)
        );
        assert_eq!(
            yt("https://www.youtube.com/shorts/dQw4w9WgXcQ"),
            (id.clone(), None)
        );
        assert_eq!(
            yt("https://youtu.be/dQw4w9WgXcQ?t=1h2m3s"),
            (id, Some(3723))
        );
    }

    #[test]
    fn naver_and_files() {
        let v = Video::parse("https://tv.naver.com/v/31415926").unwrap();
        assert_eq!((&v.provider, v.id.as_str()), (&Provider::Naver, "31415926"));
        assert_eq!(
            v.embed_url().unwrap(),
            "https://tv.naver.com/embed/31415926?autoPlay=true"
        );
        let f = Video::parse("https://cdn.example.com/ep12.WEBM").unwrap();
        assert_eq!(
            (&f.provider, f.mime()),
            (&Provider::File, Some("video/webm"))
        );
        assert_eq!(f.embed_url(), None);
    }

    #[test]
    fn rejected_forms() {
        for bad in [
            "https://vimeo.com/123",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/channel/UC123",
            "https://tv.naver.com/v/abc",
            "ftp://x.com/a.mp4",
            "youtube.com/watch?v=dQw4w9WgXcQ",
            "",
        ] {
            let e = Video::parse(bad).unwrap_err();
            assert!(e.starts_with("unsupported video URL"), "{bad}: {e}");
        }
    }

    #[test]
    fn urls_derived() {
        let v = Video::parse("https://youtu.be/dQw4w9WgXcQ?t=30").unwrap();
        assert_eq!(
            v.embed_url().unwrap(),
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=30"
        );
        assert_eq!(
            v.watch_url(Some(754)),
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=754s"
        );
        assert_eq!(
            v.watch_url(None),
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30s"
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp("12:34"), Some(754));
        assert_eq!(timestamp("1:02:03"), Some(3723));
        assert_eq!(timestamp("45"), Some(45));
        assert_eq!(timestamp("1:60"), None);
        assert_eq!(timestamp("a:b"), None);
        assert_eq!(timestamp("1:2:3:4"), None);
        assert_eq!(timestamp(""), None);
    }
}
