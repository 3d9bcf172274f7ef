//! Reads the front matter of a Jekyll, Hugo or Zola post, whatever its format (YAML between
//! `---`, TOML between `+++`, or a JSON object as Hugo allows), into one value: a TOML table,
//! since TOML is what showpress writes. Errors keep their line and column in the source file.

use yaml_rust2::{Yaml, YamlLoader};

/// A source file split into its front matter (as a table) and its body.
pub struct Parsed {
    pub fields: toml::Table,
    /// The body and the 1-based line of the file it starts on, for reports.
    pub body: String,
    pub body_line: usize,
    /// Keys whose value was YAML or JSON `null`: TOML has no null, so they are reported.
    pub nulls: Vec<String>,
}

/// A mistake in the front matter: 1-based line, 0-based character column, message.
#[derive(Debug)]
pub struct FmError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn err(line: usize, col: usize, message: impl Into<String>) -> FmError {
    FmError {
        line,
        col,
        message: message.into(),
    }
}

/// Splits `text` at a front-matter block delimited by `delim` lines; returns the block, the
/// body and the line the body starts on.
fn between<'a>(text: &'a str, delim: &str) -> Result<(&'a str, &'a str, usize), FmError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let start = first.len();
    let mut pos = start;
    for (line, l) in (2..).zip(lines) {
        if l.trim_end() == delim {
            return Ok((&text[start..pos], &text[pos + l.len()..], line + 1));
        }
        // Jekyll accepts `...` as the end of a YAML document too.
        if delim == "---" && l.trim_end() == "..." {
            return Ok((&text[start..pos], &text[pos + l.len()..], line + 1));
        }
        pos += l.len();
    }
    Err(err(
        1,
        0,
        format!("unclosed front matter, expected a closing `{delim}` line"),
    ))
}

/// Reads the front matter of `text` (a BOM is skipped). A file with none is an error: every
/// post of these generators has at least a title or a date in it.
pub fn parse(text: &str) -> Result<Parsed, FmError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("").trim_end();
    let mut nulls = Vec::new();
    let (fields, body, body_line) = if first == "---" {
        let (fm, body, body_line) = between(text, "---")?;
        (yaml_table(fm, &mut nulls)?, body, body_line)
    } else if first == "+++" {
        let (fm, body, body_line) = between(text, "+++")?;
        let table = fm.parse::<toml::Table>().map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(fm, s.start)).unwrap_or((0, 0));
            err(line + 2, col, toml_message(&e))
        })?;
        (table, body, body_line)
    } else if first.starts_with('{') {
        json_object(text, &mut nulls)?
    } else {
        return Err(err(
            1,
            0,
            "missing front matter, expected the file to start with `---` (YAML), `+++` (TOML) or `{` (JSON)",
        ));
    };
    Ok(Parsed {
        fields,
        body: body.to_string(),
        body_line,
        nulls,
    })
}

fn toml_message(e: &toml::de::Error) -> String {
    e.message().trim_end().to_string()
}

/// 0-based line and character column of byte `at` in `s`.
fn line_col(s: &str, at: usize) -> (usize, usize) {
    let at = at.min(s.len());
    let before = &s[..at];
    let line = before.matches('\n').count();
    let col = before
        .rsplit_once('\n')
        .map_or(before, |(_, rest)| rest)
        .chars()
        .count();
    (line, col)
}

/// A whole YAML file (Jekyll's `_config.yml`, Hugo's `hugo.yaml`) as a table; error lines
/// are the file's own.
pub fn yaml_config(text: &str) -> Result<toml::Table, FmError> {
    let mut nulls = Vec::new();
    yaml_table(text, &mut nulls).map_err(|mut e| {
        e.line = e.line.saturating_sub(1).max(1);
        e
    })
}

fn yaml_table(fm: &str, nulls: &mut Vec<String>) -> Result<toml::Table, FmError> {
    let docs = YamlLoader::load_from_str(fm).map_err(|e| {
        let m = e.marker();
        // The marker's line is 1-based within the block, which starts on the file's line 2;
        // its column is 0-based.
        err(m.line() + 1, m.col(), format!("invalid YAML: {}", e.info()))
    })?;
    match docs.into_iter().next() {
        None | Some(Yaml::Null) => Ok(toml::Table::new()),
        Some(Yaml::Hash(h)) => {
            let mut out = toml::Table::new();
            for (k, v) in h {
                let key = yaml_key(&k);
                match yaml_value(v) {
                    Some(v) => {
                        out.insert(key, v);
                    }
                    None => nulls.push(key),
                }
            }
            Ok(out)
        }
        Some(_) => Err(err(
            2,
            0,
            "front matter is not a mapping, expected `key: value` lines",
        )),
    }
}

fn yaml_key(k: &Yaml) -> String {
    match k {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// A YAML value as TOML; `None` for null (TOML has none). Nulls inside lists and tables are
/// left out of them.
fn yaml_value(v: Yaml) -> Option<toml::Value> {
    Some(match v {
        Yaml::String(s) => toml::Value::String(s),
        Yaml::Integer(i) => toml::Value::Integer(i),
        Yaml::Real(s) => match s.parse::<f64>() {
            Ok(f) if f.is_finite() => toml::Value::Float(f),
            _ => toml::Value::String(s),
        },
        Yaml::Boolean(b) => toml::Value::Boolean(b),
        Yaml::Array(a) => toml::Value::Array(a.into_iter().filter_map(yaml_value).collect()),
        Yaml::Hash(h) => toml::Value::Table(
            h.into_iter()
                .filter_map(|(k, v)| Some((yaml_key(&k), yaml_value(v)?)))
                .collect(),
        ),
        Yaml::Null | Yaml::BadValue | Yaml::Alias(_) => return None,
    })
}

/// Hugo's JSON front matter: an object at the start of the file, the body after it.
fn json_object<'a>(
    text: &'a str,
    nulls: &mut Vec<String>,
) -> Result<(toml::Table, &'a str, usize), FmError> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    let value = match stream.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            return Err(err(
                e.line(),
                e.column().saturating_sub(1),
                format!("invalid JSON front matter: {e}")
                    .split(" at line ")
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ));
        }
        None => return Err(err(1, 0, "empty JSON front matter")),
    };
    let end = stream.byte_offset();
    let body = text[end..].strip_prefix('\n').unwrap_or(&text[end..]);
    let body_line = text[..text.len() - body.len()].matches('\n').count() + 1;
    let serde_json::Value::Object(map) = value else {
        return Err(err(1, 0, "JSON front matter is not an object"));
    };
    let mut out = toml::Table::new();
    for (k, v) in map {
        match json_value(v) {
            Some(v) => {
                out.insert(k, v);
            }
            None => nulls.push(k),
        }
    }
    Ok((out, body, body_line))
}

fn json_value(v: serde_json::Value) -> Option<toml::Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => toml::Value::Boolean(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        J::String(s) => toml::Value::String(s),
        J::Array(a) => toml::Value::Array(a.into_iter().filter_map(json_value).collect()),
        J::Object(o) => toml::Value::Table(
            o.into_iter()
                .filter_map(|(k, v)| Some((k, json_value(v)?)))
                .collect(),
        ),
    })
}

/// The 1-based line of `key:` / `key =` / `"key":` in the front matter of `text`, to point at
/// a value that was read but cannot be used (a date that is not a date).
pub fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    for (i, l) in text.lines().enumerate().skip(1) {
        let t = l.trim_start();
        let indent = l.len() - t.len();
        let rest = t
            .strip_prefix(key)
            .or_else(|| t.strip_prefix(&format!("\"{key}\"")));
        if let Some(rest) = rest {
            let rest = rest.trim_start();
            if let Some(v) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('=')) {
                let value_col = l.len() - v.trim_start().len();
                let _ = indent;
                return Some((i + 1, l[..value_col].chars().count()));
            }
        }
        if matches!(l.trim_end(), "---" | "+++") {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_toml_and_json_read_alike() {
        for text in [
            "---\ntitle: 가\ntags: [a, b]\nn: 3\nx: ~\n---\nbody\n",
            "+++\ntitle = \"가\"\ntags = [\"a\", \"b\"]\nn = 3\n+++\nbody\n",
            "{\n\"title\": \"가\", \"tags\": [\"a\", \"b\"], \"n\": 3, \"x\": null\n}\nbody\n",
        ] {
            let p = parse(text).unwrap();
            assert_eq!(p.fields["title"].as_str(), Some("가"), "{text}");
            assert_eq!(p.fields["n"].as_integer(), Some(3));
            assert_eq!(p.fields["tags"].as_array().map(Vec::len), Some(2));
            assert_eq!(p.body, "body\n");
            assert_eq!(&text.lines().nth(p.body_line - 1).unwrap_or(""), &"body");
        }
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let e = parse("---\ntitle: a\ntags: [a, b\n---\n").err().unwrap();
        assert!(e.message.starts_with("invalid YAML"), "{}", e.message);
        assert!(e.line >= 3, "{e:?}");
        let e = parse("---\ntitle: \"a\n---\nx").err().unwrap();
        assert!(e.line >= 2, "{e:?}");
    }

    #[test]
    fn finds_a_keys_line() {
        assert_eq!(
            key_line("---\ntitle: a\ndate: x\n---\n", "date"),
            Some((3, 6))
        );
        assert_eq!(key_line("+++\ndate = x\n+++\n", "date"), Some((2, 7)));
    }
}
