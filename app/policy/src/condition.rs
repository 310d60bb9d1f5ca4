//! Condition blocks: operators, keys, parsing and evaluation, with IAM's semantics —
//! operators AND together, keys under one operator AND, values of one key OR; an absent key
//! fails a condition except under negated operators, `…IfExists` and `Null`; `ForAllValues`
//! holds for an empty set, `ForAnyValue` does not.

use std::net::IpAddr;

use serde_json::Value;

use super::{address, context::RequestContext, glob, PolicyError};

/// The value type a key carries, which decides the operators it accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyType {
    Text,
    Date,
    Number,
    Bool,
    Ip,
}

/// The condition keys Sesame supports (SES's and the AWS-wide ones SES implements).
pub const KEYS: [(&str, bool); 10] = [
    ("ses:Recipients", true),
    ("ses:FromAddress", false),
    ("ses:FromDisplayName", false),
    ("ses:FeedbackAddress", false),
    ("ses:ApiVersion", false),
    ("aws:CurrentTime", false),
    ("aws:EpochTime", false),
    ("aws:SourceIp", false),
    ("aws:SecureTransport", false),
    ("aws:UserAgent", false),
];

fn key_type(key: &str) -> KeyType {
    match key {
        "aws:CurrentTime" => KeyType::Date,
        "aws:EpochTime" => KeyType::Number,
        "aws:SourceIp" => KeyType::Ip,
        "aws:SecureTransport" => KeyType::Bool,
        _ => KeyType::Text,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Test {
    StringEquals { ignore_case: bool },
    StringLike,
    NumericCmp(Cmp),
    DateCmp(Cmp),
    Bool,
    Ip,
    ArnEquals,
    ArnLike,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Qualifier {
    ForAllValues,
    ForAnyValue,
}

/// One `operator: { key: values }` entry, parsed and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator as written (`ForAllValues:StringLike`), for showing the condition.
    operator: String,
    qualifier: Option<Qualifier>,
    test: Test,
    negated: bool,
    if_exists: bool,
    key: String,
    values: Vec<String>,
}

fn operator(name: &str) -> Option<(Test, bool)> {
    use Cmp::*;
    use Test::*;
    Some(match name {
        "StringEquals" => (StringEquals { ignore_case: false }, false),
        "StringNotEquals" => (StringEquals { ignore_case: false }, true),
        "StringEqualsIgnoreCase" => (StringEquals { ignore_case: true }, false),
        "StringNotEqualsIgnoreCase" => (StringEquals { ignore_case: true }, true),
        "StringLike" => (StringLike, false),
        "StringNotLike" => (StringLike, true),
        "NumericEquals" => (NumericCmp(Eq), false),
        "NumericNotEquals" => (NumericCmp(Eq), true),
        "NumericLessThan" => (NumericCmp(Lt), false),
        "NumericLessThanEquals" => (NumericCmp(Le), false),
        "NumericGreaterThan" => (NumericCmp(Gt), false),
        "NumericGreaterThanEquals" => (NumericCmp(Ge), false),
        "DateEquals" => (DateCmp(Eq), false),
        "DateNotEquals" => (DateCmp(Eq), true),
        "DateLessThan" => (DateCmp(Lt), false),
        "DateLessThanEquals" => (DateCmp(Le), false),
        "DateGreaterThan" => (DateCmp(Gt), false),
        "DateGreaterThanEquals" => (DateCmp(Ge), false),
        "Bool" => (Bool, false),
        "IpAddress" => (Ip, false),
        "NotIpAddress" => (Ip, true),
        "ArnEquals" => (ArnEquals, false),
        "ArnNotEquals" => (ArnEquals, true),
        "ArnLike" => (ArnLike, false),
        "ArnNotLike" => (ArnLike, true),
        "Null" => (Null, false),
        _ => return None,
    })
}

fn accepts(test: Test, key: KeyType) -> bool {
    match test {
        Test::StringEquals { .. } | Test::StringLike | Test::ArnEquals | Test::ArnLike => {
            key == KeyType::Text
        }
        Test::NumericCmp(_) => key == KeyType::Number,
        Test::DateCmp(_) => matches!(key, KeyType::Date | KeyType::Number),
        Test::Bool => key == KeyType::Bool,
        Test::Ip => key == KeyType::Ip,
        Test::Null => true,
    }
}

/// Parses a `Condition` object; `at` names it in errors (`Statement[0].Condition`).
pub fn parse_conditions(value: &Value, at: &str) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(operators) = value else {
        return Err(PolicyError::new(at, "must be an object of operators"));
    };
    let mut conditions = Vec::new();
    for (raw_operator, keys) in operators {
        let here = format!("{at}.{raw_operator}");
        let (qualifier, rest) = match raw_operator.split_once(':') {
            Some(("ForAllValues", rest)) => (Some(Qualifier::ForAllValues), rest),
            Some(("ForAnyValue", rest)) => (Some(Qualifier::ForAnyValue), rest),
            Some(_) => {
                return Err(PolicyError::new(
                    &here,
                    "unknown set qualifier (use ForAllValues: or ForAnyValue:)",
                ))
            }
            None => (None, raw_operator.as_str()),
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) if base != "Null" => (base, true),
            _ => (rest, false),
        };
        let (test, negated) =
            operator(base).ok_or_else(|| PolicyError::new(&here, "unknown condition operator"))?;
        let Value::Object(keys) = keys else {
            return Err(PolicyError::new(
                &here,
                "must be an object of condition keys",
            ));
        };
        for (key, values) in keys {
            let at_key = format!("{here}.{key}");
            let Some((_, multi)) = KEYS.iter().find(|(k, _)| k == key) else {
                return Err(PolicyError::new(
                    &at_key,
                    "unknown or unapplicable condition key",
                ));
            };
            if qualifier.is_some() && !multi {
                return Err(PolicyError::new(
                    &at_key,
                    "set qualifiers apply only to multi-valued keys such as ses:Recipients",
                ));
            }
            if !accepts(test, key_type(key)) {
                return Err(PolicyError::new(
                    &at_key,
                    format!("{base} cannot be used with {key}"),
                ));
            }
            let values = scalar_values(values).ok_or_else(|| {
                PolicyError::new(&at_key, "values must be strings, numbers or booleans")
            })?;
            for value in &values {
                check_value(test, value).map_err(|m| PolicyError::new(&at_key, m))?;
            }
            // Compared as the request's addresses are (`address`).
            let values = if address::is_address_key(key) {
                for value in &values {
                    address::check_pattern(value).map_err(|m| PolicyError::new(&at_key, m))?;
                }
                values
                    .iter()
                    .map(|v| address::normalise(v).into_owned())
                    .collect()
            } else {
                values
            };
            conditions.push(Condition {
                operator: raw_operator.clone(),
                qualifier,
                test,
                negated,
                if_exists,
                key: key.clone(),
                values,
            });
        }
    }
    Ok(conditions)
}

fn scalar_values(value: &Value) -> Option<Vec<String>> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) if !items.is_empty() => items.iter().map(one).collect(),
        Value::Array(_) => None,
        other => one(other).map(|v| vec![v]),
    }
}

fn check_value(test: Test, value: &str) -> Result<(), String> {
    match test {
        Test::NumericCmp(_) => value
            .parse::<f64>()
            .map(|_| ())
            .map_err(|_| format!("`{value}` is not a number")),
        Test::DateCmp(_) => parse_time(value)
            .map(|_| ())
            .ok_or_else(|| format!("`{value}` is not a date (ISO 8601 or epoch seconds)")),
        Test::Bool | Test::Null => match value {
            "true" | "false" => Ok(()),
            _ => Err(format!("`{value}` is not true or false")),
        },
        Test::Ip => parse_cidr(value)
            .map(|_| ())
            .ok_or_else(|| format!("`{value}` is not an IP address or CIDR block")),
        _ => Ok(()),
    }
}

/// Seconds since the epoch, from ISO 8601 (with or without seconds) or from epoch seconds.
pub(super) fn parse_time(value: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(seconds) = value.parse::<i64>() {
        return Some(seconds);
    }
    // IAM examples write "2021-08-31T12:00Z": add the seconds RFC 3339 requires.
    let with_seconds = match value.len() {
        17 if value.ends_with('Z') => format!("{}:00Z", &value[..16]),
        _ => value.to_owned(),
    };
    time::OffsetDateTime::parse(&with_seconds, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

fn parse_cidr(value: &str) -> Option<(IpAddr, u8)> {
    let (ip, bits) = match value.split_once('/') {
        Some((ip, bits)) => (ip.parse::<IpAddr>().ok()?, bits.parse::<u8>().ok()?),
        None => {
            let ip: IpAddr = value.parse().ok()?;
            (ip, if ip.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

fn in_cidr(ip: IpAddr, (net, bits): (IpAddr, u8)) -> bool {
    // Compare the top `bits` bits (bits == 0, any address, is handled before shifting).
    let prefix = |a: u128, b: u128, width: u32| {
        let shift = width - u32::from(bits);
        (a >> shift) == (b >> shift)
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            bits == 0 || prefix(u32::from(a).into(), u32::from(b).into(), 32)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => bits == 0 || prefix(u128::from(a), u128::from(b), 128),
        _ => false,
    }
}

impl Condition {
    /// The condition as people read it: `StringLike ses:FromAddress: a@x or b@x`.
    pub fn describe(&self) -> String {
        format!(
            "{} {}: {}",
            self.operator,
            self.key,
            self.values.join(" or ")
        )
    }

    /// The exact From addresses the condition lets through (`StringEquals` or a wildcard-
    /// free `StringLike` on `ses:FromAddress`): addresses a delegate can send from as written.
    pub fn exact_from_addresses(&self) -> impl Iterator<Item = &str> {
        let applies = self.key.eq_ignore_ascii_case("ses:FromAddress")
            && !self.negated
            && matches!(self.test, Test::StringEquals { .. } | Test::StringLike);
        self.values
            .iter()
            .filter(move |v| applies && !v.contains(['*', '?']))
            .map(String::as_str)
    }

    /// Whether the condition holds for the request.
    pub fn holds(&self, ctx: &RequestContext) -> bool {
        let present = ctx.values(&self.key);
        if self.test == Test::Null {
            let wants_absent = self.values.iter().any(|v| v == "true");
            return present.is_none() == wants_absent;
        }
        let Some(request_values) = present else {
            return self.negated || self.if_exists;
        };
        let satisfied = |value: &std::borrow::Cow<'_, str>| self.matches_one(value) != self.negated;
        match (self.qualifier, request_values.len()) {
            (Some(Qualifier::ForAllValues), _) => request_values.iter().all(satisfied),
            (Some(Qualifier::ForAnyValue), _) => request_values.iter().any(satisfied),
            // A multi-valued key without a qualifier: every value must satisfy it, and an
            // empty set does not (the cautious reading; use a qualifier to say otherwise).
            (None, 0) => false,
            (None, _) => request_values.iter().all(satisfied),
        }
    }

    /// True if one request value matches any of the condition's values.
    fn matches_one(&self, value: &str) -> bool {
        self.values.iter().any(|expected| match self.test {
            Test::StringEquals { ignore_case: false } | Test::ArnEquals => value == expected,
            Test::StringEquals { ignore_case: true } => {
                value.to_lowercase() == expected.to_lowercase()
            }
            Test::StringLike | Test::ArnLike => glob::matches(expected, value, false),
            Test::NumericCmp(cmp) => match (value.parse::<f64>(), expected.parse::<f64>()) {
                (Ok(a), Ok(b)) => compare(cmp, a.partial_cmp(&b)),
                _ => false,
            },
            Test::DateCmp(cmp) => match (parse_time(value), parse_time(expected)) {
                (Some(a), Some(b)) => compare(cmp, Some(a.cmp(&b))),
                _ => false,
            },
            Test::Bool => value == expected,
            Test::Ip => match (value.parse::<IpAddr>(), parse_cidr(expected)) {
                (Ok(ip), Some(net)) => in_cidr(ip, net),
                _ => false,
            },
            Test::Null => false,
        })
    }
}

fn compare(cmp: Cmp, ordering: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    matches!(
        (cmp, ordering),
        (Cmp::Eq, Some(Equal))
            | (Cmp::Lt, Some(Less))
            | (Cmp::Le, Some(Less | Equal))
            | (Cmp::Gt, Some(Greater))
            | (Cmp::Ge, Some(Greater | Equal))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_blocks_match_v4_and_v6() {
        let net = parse_cidr("192.0.2.0/24").unwrap();
        assert!(in_cidr("192.0.2.77".parse().unwrap(), net));
        assert!(!in_cidr("192.0.3.1".parse().unwrap(), net));
        let net6 = parse_cidr("2001:db8::/32").unwrap();
        assert!(in_cidr("2001:db8:1::5".parse().unwrap(), net6));
        assert!(!in_cidr("2001:db9::1".parse().unwrap(), net6));
        assert!(!in_cidr("192.0.2.1".parse().unwrap(), net6));
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(in_cidr(
            "203.0.113.9".parse().unwrap(),
            parse_cidr("0.0.0.0/0").unwrap()
        ));
    }

    #[test]
    fn iam_dates_parse_with_or_without_seconds() {
        assert_eq!(
            parse_time("2021-08-31T12:00Z"),
            parse_time("2021-08-31T12:00:00Z")
        );
        assert_eq!(parse_time("0"), Some(0));
        assert!(parse_time("next tuesday").is_none());
    }
}
