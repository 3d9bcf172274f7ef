//! Front-matter dates: TOML datetimes or strings in the same forms, read in the site timezone,
//! and the language-aware formatting behind the `date` template filter.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;
use toml::value::{Datetime, Offset};

/// What every date error says is accepted.
pub const EXPECTED: &str =
    "expected a date such as 2025-03-25, 2025-03-25T11:46:00 or 2025-03-25T11:46:00+09:00";

/// Reads a front-matter date value. A value without an offset is a local time in `tz`; a plain
/// date is midnight in `tz`.
pub fn parse(value: &toml::Value, tz: Tz) -> Result<DateTime<FixedOffset>, String> {
    let dt = match value {
        toml::Value::Datetime(d) => *d,
        toml::Value::String(s) => s
            .trim()
            .parse::<Datetime>()
            .map_err(|_| format!("invalid date \"{s}\", {EXPECTED}"))?,
        other => return Err(format!("invalid type: {}, {EXPECTED}", other.type_str())),
    };
    let Some(d) = dt.date else {
        return Err(format!(
            "invalid date `{dt}`: a time without a day, {EXPECTED}"
        ));
    };
    if d.year == 0 {
        return Err(format!(
            "invalid date `{dt}`: there is no year 0, {EXPECTED}"
        ));
    }
    let date = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
        .ok_or_else(|| format!("invalid date `{dt}`: no such day, {EXPECTED}"))?;
    let time = match dt.time {
        None => NaiveTime::MIN,
        Some(t) => NaiveTime::from_hms_nano_opt(
            t.hour.into(),
            t.minute.into(),
            t.second.unwrap_or(0).into(),
            t.nanosecond.unwrap_or(0),
        )
        .ok_or_else(|| format!("invalid date `{dt}`: no such time, {EXPECTED}"))?,
    };
    let naive = date.and_time(time);
    match dt.offset {
        Some(Offset::Z) => Ok(naive.and_utc().fixed_offset()),
        Some(Offset::Custom { minutes }) => FixedOffset::east_opt(i32::from(minutes) * 60)
            .and_then(|off| off.from_local_datetime(&naive).single())
            .ok_or_else(|| format!("invalid offset in `{dt}`, {EXPECTED}")),
        // In a DST gap the wall-clock time does not exist; the earliest valid reading is what a
        // person who typed it most plausibly meant.
        None => tz
            .from_local_datetime(&naive)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(naive + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map(|d| d.fixed_offset())
            .ok_or_else(|| format!("`{dt}` does not exist in time zone {tz}")),
    }
}

/// Formats `instant` in the site timezone; `format` is strftime, or the language default.
pub fn format(
    instant: &DateTime<FixedOffset>,
    tz: Tz,
    language: &str,
    format: Option<&str>,
) -> String {
    let local = instant.with_timezone(&tz);
    let lang = language.split('-').next().unwrap_or("");
    if format.is_none() && lang == "ko" {
        // chrono names weekdays in English only; Korean readers expect `(화)`.
        const DAYS: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];
        let day = DAYS[local.weekday().num_days_from_monday() as usize];
        return format!(
            "{}년 {}월 {}일 ({day})",
            local.year(),
            local.month(),
            local.day()
        );
    }
    let fmt = format.unwrap_or_else(|| default_format(language));
    let mut out = String::new();
    // A bad strftime string from a template must not panic; `write!` reports it instead.
    use std::fmt::Write;
    if write!(out, "{}", local.format(fmt)).is_err() {
        return local.format(default_format(language)).to_string();
    }
    out
}

fn default_format(language: &str) -> &'static str {
    match language.split('-').next().unwrap_or("") {
        "ko" => "%Y년 %-m월 %-d일",
        "ja" | "zh" => "%Y年%-m月%-d日",
        _ => "%B %-d, %Y",
    }
}

/// RFC 3339 in the site timezone, which is how dates reach templates.
pub fn rfc3339(instant: &DateTime<FixedOffset>, tz: Tz) -> String {
    instant.with_timezone(&tz).fixed_offset().to_rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<String, String> {
        let v: toml::Table = toml::from_str(&format!("d = {s}")).unwrap();
        parse(&v["d"], chrono_tz::Asia::Seoul).map(|d| d.to_rfc3339())
    }

    #[test]
    fn three_forms_read_in_the_site_timezone() {
        assert_eq!(
            p("2025-03-25T11:46:00+09:00").unwrap(),
            "2025-03-25T11:46:00+09:00"
        );
        assert_eq!(
            p("2025-03-25T11:46:00").unwrap(),
            "2025-03-25T11:46:00+09:00"
        );
        assert_eq!(p("2025-03-25").unwrap(), "2025-03-25T00:00:00+09:00");
        assert_eq!(p("\"2025-03-25\"").unwrap(), "2025-03-25T00:00:00+09:00");
        assert_eq!(
            p("2025-03-25T02:46:00Z").unwrap(),
            "2025-03-25T02:46:00+00:00"
        );
    }

    #[test]
    fn rejects_times_without_days_and_other_types() {
        assert!(
            p("11:46:00")
                .unwrap_err()
                .starts_with("invalid date `11:46:00`")
        );
        assert_eq!(
            p("\"yesterday\"").unwrap_err(),
            format!("invalid date \"yesterday\", {EXPECTED}")
        );
        assert_eq!(
            p("5").unwrap_err(),
            format!("invalid type: integer, {EXPECTED}")
        );
    }

    #[test]
    fn korean_dates_read_naturally() {
        let d = DateTime::parse_from_rfc3339("2025-03-24T20:00:00-04:00").unwrap();
        // 20:00 in New York is the next morning in Seoul.
        assert_eq!(
            format(&d, chrono_tz::Asia::Seoul, "ko", None),
            "2025년 3월 25일 (화)"
        );
        assert_eq!(
            format(&d, chrono_tz::Asia::Seoul, "en", None),
            "March 25, 2025"
        );
        assert_eq!(
            format(&d, chrono_tz::Asia::Seoul, "ko", Some("%Y.%m.%d")),
            "2025.03.25"
        );
    }
}

/// Where a run gets "now" from: the moment posts are published at (later ones are scheduled).
/// Passed in as a value so nothing deep inside reads the environment or the system clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock, read at each run (`serve` runs for days).
    System,
    /// A fixed moment (`SHOWPRESS_NOW`, tests).
    Fixed(DateTime<FixedOffset>),
}

impl Clock {
    /// `SHOWPRESS_NOW` (RFC 3339) pins the clock, for reproducible tests; else the system one.
    pub fn from_env() -> Clock {
        std::env::var("SHOWPRESS_NOW")
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map_or(Clock::System, Clock::Fixed)
    }

    pub fn now(self) -> DateTime<FixedOffset> {
        match self {
            Clock::System => chrono::Utc::now().fixed_offset(),
            Clock::Fixed(t) => t,
        }
    }
}
