//! Maps another generator's front matter onto showpress's: title, dates, tags and categories,
//! summary, draft, slug, and (by the user's choice) show, episode and guests. Every key that
//! has no place of its own goes to `[extra]`, so nothing the old site said is lost.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Where show, episode and guests come from (command-line options or a mapping file).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// One show for every post.
    pub show: Option<String>,
    /// A front-matter key (`categories`, `series`, …) whose first value names the show.
    pub show_from: Option<String>,
    /// A key holding the guests: names, `이름 (역할)`, or tables with `name` and `role`.
    pub guests_from: Option<String>,
    /// `title`, `permalink`, or a key holding the episode number.
    pub episode_from: Option<String>,
    /// Values of `show_from` renamed to the show's name (`"money-talk" = "경제토크쇼픽"`).
    #[serde(default)]
    pub shows: BTreeMap<String, String>,
}

/// A date as read: with a time (and an offset, the source's timezone when it gave none), or
/// a day alone, which showpress reads in its own timezone as Jekyll and Hugo do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum When {
    At(DateTime<FixedOffset>),
    Day(NaiveDate),
}

impl When {
    /// As TOML writes it: `2024-03-05T10:00:00+09:00` or `2024-03-05`.
    pub fn toml(&self) -> String {
        match self {
            When::At(d) => d.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            When::Day(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The moment, a day alone being its midnight in `tz` (for permalink patterns).
    pub fn at(&self, tz: Tz) -> Option<DateTime<FixedOffset>> {
        match self {
            When::At(d) => Some(*d),
            When::Day(d) => tz
                .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                .earliest()
                .map(|d| d.fixed_offset()),
        }
    }

    pub fn day(&self) -> NaiveDate {
        match self {
            When::At(d) => d.date_naive(),
            When::Day(d) => *d,
        }
    }
}

/// Reads a date as Jekyll, Hugo and Zola write them; a time without an offset is in `tz`.
pub fn read_date(v: &toml::Value, tz: Tz) -> Result<When, String> {
    let s = match v {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return Err(format!(
                "invalid date: {}, expected a date such as `2024-03-05` or `2024-03-05 10:00:00 +0900`",
                other.type_str()
            ));
        }
    };
    let bad = || {
        format!(
            "invalid date `{s}`, expected a date such as `2024-03-05` or `2024-03-05 10:00:00 +0900`"
        )
    };
    if let Ok(d) = DateTime::parse_from_rfc3339(&s.replace(' ', "T")) {
        return Ok(When::At(d));
    }
    for f in [
        "%Y-%m-%d %H:%M:%S %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(&s, f) {
            return Ok(When::At(d));
        }
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&s, f) {
            let local = tz.from_local_datetime(&n).earliest().ok_or_else(bad)?;
            return Ok(When::At(local.fixed_offset()));
        }
    }
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map(When::Day)
        .map_err(|_| bad())
}

/// A list of strings from a list, or a string split at spaces (Jekyll's `tags: a b`) or,
/// when it has commas, at commas.
pub fn strings(v: &toml::Value) -> Vec<String> {
    match v {
        toml::Value::String(s) if s.contains(',') => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        toml::Value::String(s) => s.split_whitespace().map(String::from).collect(),
        toml::Value::Array(a) => a
            .iter()
            .filter_map(|v| match v {
                toml::Value::String(s) => Some(s.trim().to_string()),
                toml::Value::Integer(i) => Some(i.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect(),
        toml::Value::Integer(i) => vec![i.to_string()],
        _ => Vec::new(),
    }
}

/// A guest from a list entry: `"이름"`, `"이름 (역할)"`, or `{ name, role }` (`title` and
/// `position` are read as the role too).
pub fn guest(v: &toml::Value) -> Option<(String, Option<String>)> {
    match v {
        toml::Value::String(s) => {
            let s = s.trim();
            match s.strip_suffix(')').and_then(|r| r.rsplit_once('(')) {
                Some((name, role)) if !name.trim().is_empty() => {
                    Some((name.trim().to_string(), Some(role.trim().to_string())))
                }
                _ if !s.is_empty() => Some((s.to_string(), None)),
                _ => None,
            }
        }
        toml::Value::Table(t) => {
            let name = t.get("name")?.as_str()?.trim().to_string();
            let role = ["role", "title", "position"]
                .iter()
                .find_map(|k| t.get(*k)?.as_str())
                .map(|r| r.trim().to_string());
            (!name.is_empty()).then_some((name, role))
        }
        _ => None,
    }
}

/// An episode number in a title or a URL: `47회`, `47화`, `EP.47`, `ep47`, `episode-47`,
/// `#47`, `제47회`. The first one found wins; 0 is not an episode.
pub fn episode_in(text: &str) -> Option<i64> {
    let lower = text.to_lowercase();
    let digits_at = |s: &str| -> Option<i64> {
        let d: String = s.chars().take_while(char::is_ascii_digit).collect();
        d.parse().ok().filter(|n| *n > 0)
    };
    for marker in ["episode", "ep", "#", "제"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(marker) {
            let at = from + i + marker.len();
            // `ep` in `step 3` is a word, not a marker.
            let word_before = lower[..from + i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphabetic());
            if word_before {
                from = at;
                continue;
            }
            let rest = lower[at..].trim_start_matches(['.', '-', '_', ' ', ':']);
            // `제` is only a marker when 회/화 follows the number.
            if let Some(n) = digits_at(rest) {
                let after = rest.trim_start_matches(|c: char| c.is_ascii_digit());
                if marker != "제" || after.starts_with(['회', '화']) {
                    return Some(n);
                }
            }
            from = at;
        }
    }
    // A number followed by 회 or 화.
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    for (k, (_, c)) in chars.iter().enumerate() {
        if matches!(c, '회' | '화') && k > 0 {
            let mut j = k;
            while j > 0 && chars[j - 1].1.is_ascii_digit() {
                j -= 1;
            }
            if j < k {
                return digits_at(&lower[chars[j].0..]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> toml::Value {
        toml::Value::String(v.into())
    }

    #[test]
    fn dates_in_the_sources_timezone() {
        let seoul: Tz = "Asia/Seoul".parse().unwrap();
        let r = |v: &str| read_date(&s(v), seoul).map(|w| w.toml());
        assert_eq!(
            r("2024-03-05 10:00:00 +0900").unwrap(),
            "2024-03-05T10:00:00+09:00"
        );
        assert_eq!(r("2024-03-05 10:00").unwrap(), "2024-03-05T10:00:00+09:00");
        assert_eq!(
            r("2024-03-05T01:00:00Z").unwrap(),
            "2024-03-05T01:00:00+00:00"
        );
        assert_eq!(r("2024-03-05").unwrap(), "2024-03-05");
        assert!(
            r("2024-13-05")
                .unwrap_err()
                .contains("invalid date `2024-13-05`")
        );
        assert!(r("어제").is_err());
    }

    #[test]
    fn episodes_and_guests() {
        assert_eq!(episode_in("경제토크쇼픽 47회: 딥시크"), Some(47));
        assert_eq!(episode_in("EP.12 금리"), Some(12));
        assert_eq!(episode_in("/money-talk/ep-7/"), Some(7));
        assert_eq!(episode_in("제 3 공장"), None);
        assert_eq!(episode_in("2024년 리뷰"), None);
        assert_eq!(episode_in("step 3 deep 4"), None);
        assert_eq!(
            guest(&s("서영주 (포항공대 교수)")),
            Some(("서영주".into(), Some("포항공대 교수".into())))
        );
        assert_eq!(strings(&s("a b  c")), ["a", "b", "c"]);
        assert_eq!(strings(&s("경제, 금리")), ["경제", "금리"]);
    }
}
