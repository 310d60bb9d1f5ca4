//! The v1 Query API's parameters (`Action=…&Destination.ToAddresses.member.1=…`), from the
//! form body and the query string, with botocore's list encoding.

/// What is wrong with a request's parameters; the API answers each in SES's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// A required parameter is absent or empty (`ValidationError`); its name.
    Missing(String),
    /// A parameter's value or shape is not acceptable (`InvalidParameterValue`).
    Invalid(String),
}

fn invalid(message: impl Into<String>) -> ParamError {
    ParamError::Invalid(message.into())
}

/// Lists longer than this are refused (SES's own lists are at most 50 recipients or 100
/// identities).
const MAX_LIST: usize = 1000;
/// Requests with more parameters than this are refused before more are decoded.
const MAX_PARAMS: usize = 2000;

#[derive(Debug, Default)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    /// Parameters from the query string and the form-encoded body (both may carry them).
    pub fn parse(query: &str, body: &[u8]) -> Result<Self, ParamError> {
        let mut pairs = Vec::new();
        for (key, value) in
            form_urlencoded::parse(query.as_bytes()).chain(form_urlencoded::parse(body))
        {
            if pairs.len() == MAX_PARAMS {
                return Err(invalid(format!(
                    "A request may carry at most {MAX_PARAMS} parameters."
                )));
            }
            pairs.push((key.into_owned(), value.into_owned()));
        }
        Ok(Self { pairs })
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a required parameter; missing or empty is a `ValidationError`.
    pub fn required(&self, name: &str) -> Result<&str, ParamError> {
        self.get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ParamError::Missing(name.to_owned()))
    }

    /// `name.member.1`, `name.member.2`, … in index order (gaps allowed; `name=` is empty).
    /// An index given twice counts once, with its first value, as `get` takes the first.
    pub fn list(&self, name: &str) -> Result<Vec<&str>, ParamError> {
        let prefix = format!("{name}.member.");
        let mut items: Vec<(usize, &str)> = Vec::new();
        for (key, value) in &self.pairs {
            let Some(index) = key.strip_prefix(&prefix) else {
                continue;
            };
            let index: usize = index
                .parse()
                .map_err(|_| invalid(format!("{key} is not a valid list member.")))?;
            if items.len() >= MAX_LIST {
                return Err(invalid(format!("{name} has more than {MAX_LIST} members.")));
            }
            items.push((index, value));
        }
        // Stable: of equal indexes the first stays first, and is the one kept.
        items.sort_by_key(|(index, _)| *index);
        items.dedup_by_key(|(index, _)| *index);
        Ok(items.into_iter().map(|(_, v)| v).collect())
    }

    /// `Tags.member.N.Name` / `Tags.member.N.Value` pairs, in index order.
    pub fn tags(&self) -> Result<Vec<(String, String)>, ParamError> {
        let mut tags: std::collections::BTreeMap<usize, (Option<&str>, Option<&str>)> =
            std::collections::BTreeMap::new();
        for (key, value) in &self.pairs {
            let Some(rest) = key.strip_prefix("Tags.member.") else {
                continue;
            };
            let (index, field) = rest
                .split_once('.')
                .and_then(|(i, f)| Some((i.parse::<usize>().ok()?, f)))
                .ok_or_else(|| invalid(format!("{key} is not a valid tag.")))?;
            let entry = tags.entry(index).or_default();
            match field {
                "Name" => entry.0 = Some(value),
                "Value" => entry.1 = Some(value),
                _ => return Err(invalid(format!("{key} is not a valid tag."))),
            }
        }
        tags.into_values()
            .map(|(name, value)| match (name, value) {
                (Some(name), Some(value)) => Ok((name.to_owned(), value.to_owned())),
                _ => Err(invalid("Every tag needs a Name and a Value.")),
            })
            .collect()
    }

    /// A boolean parameter (`true`/`false`).
    pub fn boolean(&self, name: &str) -> Result<bool, ParamError> {
        match self.required(name)? {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(invalid(format!(
                "{name} must be true or false, not {other}."
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_follow_member_indexes_and_first_values_win() {
        let params = Params::parse(
            "Action=ListIdentities",
            b"Identities.member.2=b.example&Identities.member.1=a.example&Action=Other&Empty=",
        )
        .unwrap();
        assert_eq!(params.get("Action"), Some("ListIdentities"));
        assert_eq!(
            params.list("Identities").unwrap(),
            ["a.example", "b.example"]
        );
        assert!(params.list("Missing").unwrap().is_empty());
        assert_eq!(
            params.required("Empty").unwrap_err(),
            ParamError::Missing("Empty".to_owned())
        );
        let bad = Params::parse("", b"X.member.one=1").unwrap();
        assert!(matches!(bad.list("X"), Err(ParamError::Invalid(_))));
        let twice = Params::parse("", b"X.member.1=a&X.member.1=b&X.member.2=c").unwrap();
        assert_eq!(twice.list("X").unwrap(), ["a", "c"]);
    }

    #[test]
    fn floods_of_parameters_are_refused() {
        let flood = "a&".repeat(MAX_PARAMS + 1);
        assert!(matches!(
            Params::parse("", flood.as_bytes()),
            Err(ParamError::Invalid(_))
        ));
    }
}
