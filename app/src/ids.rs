//! Typed identifiers, shared by the server and the browser. Parsing validates, so a value of
//! these types is always well-formed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An account's SES-style id: exactly 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value.to_owned()))
        } else {
            Err("An account id is 12 digits.".to_owned())
        }
    }

    /// A fresh random id (the caller retries on the rare collision).
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        use rand::Rng;
        Self(format!(
            "{:012}",
            rand::thread_rng().gen_range(0..1_000_000_000_000u64)
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AccountId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> Self {
        id.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A user's id (internal; users are named by ARN in the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct UserId(pub uuid::Uuid);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for UserId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_exactly_twelve_digits() {
        assert!(AccountId::parse("012345678901").is_ok());
        assert!(AccountId::parse("12345678901").is_err());
        assert!(AccountId::parse("1234567890123").is_err());
        assert!(AccountId::parse("12345678901a").is_err());
        assert!(serde_json::from_str::<AccountId>("\"abc\"").is_err());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn generated_account_ids_parse() {
        for _ in 0..100 {
            let id = AccountId::generate();
            assert_eq!(AccountId::parse(id.as_str()), Ok(id));
        }
    }
}
