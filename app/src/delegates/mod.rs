//! The owner's view of its delegates (beyond SES): per identity, what each delegate
//! account sends from it and with what outcomes, a Revoke that takes the delegate out of
//! the identity's policies, and optional per-grant daily caps checked in the send path.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod page;

pub use api::*;
pub use page::DelegateActivityTab;

use serde::{Deserialize, Serialize};

use crate::reputation::Rates;

/// One delegate account on one of the owner's identities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelegateSummary {
    pub delegate_account: String,
    /// Its display name, once it has sent from the identity (not before: see `db::activity`).
    pub delegate_name: Option<String>,
    /// Allowed by one of the identity's policies now (what Revoke takes away).
    pub granted: bool,
    pub messages: i64,
    pub recipients: i64,
    pub deliveries: i64,
    /// Rated as reputation rates them (simulator and suppressed outcomes left out).
    pub rates: Rates,
    pub last_sent: Option<String>,
    /// The owner's daily cap on this delegate's recipients from the identity.
    pub cap: Option<i64>,
}
