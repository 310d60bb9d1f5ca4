//! Accounts, Sesame's tenants: creation (sign-up and the admin CLI), the overview page, and
//! per-region sending limits (sandbox, Max24HourSend, MaxSendRate).

mod api;
#[cfg(feature = "ssr")]
mod create;
#[cfg(feature = "ssr")]
pub mod db;
mod page;
mod quota_page;
mod region_options;

pub use api::*;
#[cfg(feature = "ssr")]
pub use create::{create_account, CreatedAccount};
pub use page::AccountPage;
pub use quota_page::QuotaPage;
pub use region_options::{account_regions, RegionOptions, RegionSubmit};

use serde::{Deserialize, Serialize};

use crate::{ids::AccountId, text::is_invisible};

/// An account's display name: 1 to 64 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountName(String);

impl AccountName {
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        match value.chars().count() {
            0 => Err("Give the account a name.".to_owned()),
            1..=64 if !value.chars().any(|c| c.is_control() || is_invisible(c)) => {
                Ok(Self(value.to_owned()))
            }
            1..=64 => Err(
                "The name cannot contain control, invisible or direction-changing characters."
                    .to_owned(),
            ),
            _ => Err("Use at most 64 characters.".to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Sending limits of an account in one region. Quotas count recipients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionLimits {
    pub region: String,
    pub sandbox: bool,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
    /// Recipients accepted over the last 24 hours (what `Max24HourSend` limits).
    pub sent_last_24_hours: i64,
    /// An admin asked to leave the sandbox; an operator has yet to decide.
    pub production_access_requested: bool,
    /// What the admin said the account sends, with the request.
    pub production_access_use_case: Option<String>,
    /// Reputation: `Healthy`, `UnderReview` or `Paused`.
    pub enforcement_status: String,
}

/// The longest use-case description a production-access request takes.
pub const MAX_USE_CASE_CHARS: usize = 5_000;

/// What the account overview shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub account_id: AccountId,
    pub name: String,
    pub users: i64,
    pub regions: Vec<RegionLimits>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_are_trimmed_and_bounded() {
        assert_eq!(AccountName::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert!(AccountName::parse("   ").is_err());
        assert!(AccountName::parse(&"x".repeat(65)).is_err());
        assert!(AccountName::parse("a\u{7}b").is_err());
        // "Acme" that shows as "emcA", or with a hidden break: refused.
        assert!(AccountName::parse("\u{202e}emcA").is_err());
        assert!(AccountName::parse("Ac\u{200b}me").is_err());
        assert!(AccountName::parse("Zürich Mail").is_ok());
    }
}
