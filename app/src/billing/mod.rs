//! Billing: what each account sent per month — messages, recipients and data, per identity
//! used (the owner's identities included: the delegate pays, as in SES) — priced from the
//! operator's price list into monthly statements with a CSV export.
//!
//! Usage is read from the accepted messages themselves, so a statement cannot disagree
//! with what was sent: refused calls stored nothing and cost nothing; simulator sends are
//! messages like any other and are billed.

mod api;
#[cfg(feature = "ssr")]
mod csv;
#[cfg(feature = "ssr")]
pub mod db;
mod page;
#[cfg(feature = "ssr")]
pub mod prices;
#[cfg(feature = "ssr")]
pub mod statement;

pub use api::*;
pub use page::BillingPage;

use serde::{Deserialize, Serialize};

/// What was sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub messages: i64,
    pub recipients: i64,
    /// The messages' size as accepted, attachments included.
    pub bytes: i64,
}

impl Usage {
    pub fn add(&mut self, other: &Usage) {
        self.messages += other.messages;
        self.recipients += other.recipients;
        self.bytes += other.bytes;
    }
}

/// One identity's usage in the month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    /// The identity the From address was sent as.
    pub identity_arn: String,
    /// Its owner: the account itself, or the owner that granted it.
    pub owner_account: String,
    pub usage: Usage,
    /// Exact, in the price list's currency (the CSV's figure).
    pub amount: String,
    /// To the currency's minor unit, as the page shows it (`< 0.01` for less than a cent).
    pub amount_shown: String,
}

/// A month's statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub account_id: String,
    /// `YYYY-MM` (UTC).
    pub month: String,
    pub currency: String,
    pub per_thousand_recipients: String,
    pub per_gb: String,
    pub lines: Vec<LineItem>,
    pub totals: Usage,
    pub amount: String,
    pub amount_shown: String,
    /// The statement as CSV, ready for a download link.
    pub csv_href: String,
    /// Months with usage, newest first (the month picker).
    pub months: Vec<String>,
}
