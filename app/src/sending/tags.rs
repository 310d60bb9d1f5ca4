//! Message tags: `name=value` pairs a sender attaches to a send (the `Tags` / `EmailTags`
//! parameters, or an `X-SES-MESSAGE-TAGS` header), carried into the events its
//! configuration set publishes (`mail.tags`).

use std::collections::BTreeMap;

/// SES's limits.
const MAX_TAGS: usize = 50;
const MAX_LENGTH: usize = 256;

/// Checks one tag as SES does: ASCII letters, digits, `_` and `-`, at most 256 characters.
pub fn check(name: &str, value: &str) -> Result<(), String> {
    for (what, text) in [("name", name), ("value", value)] {
        let allowed = text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if text.is_empty() || text.len() > MAX_LENGTH || !allowed {
            return Err(format!(
                "Invalid tag {what} <{text}>: use 1 to {MAX_LENGTH} ASCII letters, digits, '_' and '-'."
            ));
        }
    }
    Ok(())
}

/// Checks a list of tags (and its length).
pub fn check_all(tags: &[(String, String)]) -> Result<(), String> {
    if tags.len() > MAX_TAGS {
        return Err(format!("A message may have at most {MAX_TAGS} tags."));
    }
    tags.iter().try_for_each(|(name, value)| check(name, value))
}

/// `X-SES-MESSAGE-TAGS: campaign=spring, segment=b` → the pairs, checked.
pub fn parse_header(value: &str) -> Result<Vec<(String, String)>, String> {
    let tags = value
        .split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').ok_or_else(|| {
                format!(
                    "Invalid X-SES-MESSAGE-TAGS entry <{}>: use name=value.",
                    pair.trim()
                )
            })?;
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    check_all(&tags)?;
    Ok(tags)
}

/// As SES's event JSON has them: each name with its list of values.
pub fn to_json(tags: &[(String, String)]) -> serde_json::Value {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, value) in tags {
        map.entry(name).or_default().push(value);
    }
    serde_json::json!(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_and_checked_like_ses() {
        assert_eq!(
            parse_header("campaign=spring, segment = b").unwrap(),
            [
                ("campaign".to_owned(), "spring".to_owned()),
                ("segment".to_owned(), "b".to_owned())
            ]
        );
        assert!(parse_header("no-equals-sign").is_err());
        assert!(parse_header("bad name=x").is_err());
        assert!(parse_header("ok=bad\u{e9}").is_err());
        assert!(parse_header(&format!("long={}", "x".repeat(257))).is_err());
        let many: Vec<String> = (0..51).map(|i| format!("t{i}=v")).collect();
        assert!(parse_header(&many.join(",")).is_err());
    }

    #[test]
    fn tags_become_lists_of_values_by_name() {
        let tags = parse_header("a=1,a=2,b=3").unwrap();
        assert_eq!(
            to_json(&tags),
            serde_json::json!({"a": ["1", "2"], "b": ["3"]})
        );
    }
}
