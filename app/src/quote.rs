//! Quoting values into copyable examples (shell command lines, Python scripts). Every
//! value an example shows may come from another account — a shared identity's name, its
//! ARN, the From address its owner's policy grants — and an example is pasted into a
//! terminal beside the reader's secret key: each value is quoted as a literal, never as
//! code.

/// `value` as one shell word: single-quoted, a `'` written as `'\''`.
pub fn shell(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// `value` as a Python string literal (a JSON string is one: quotes, backslashes and
/// control characters escaped).
pub fn python(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_literal() {
        assert_eq!(shell("news@example.com"), "'news@example.com'");
        assert_eq!(
            shell("a'$(rm -rf ~)'@x.example"),
            r"'a'\''$(rm -rf ~)'\''@x.example'"
        );
        assert_eq!(
            python("a\"\n__import__('os')\\@x"),
            r#""a\"\n__import__('os')\\@x""#
        );
    }
}
