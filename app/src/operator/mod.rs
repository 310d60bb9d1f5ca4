//! The operator console: every account on the platform, disabling an account, production
//! access requests (granted with new quotas, or declined), accounts under review or paused
//! (reputation), how mail is delivered, any account's audit log and the platform's own,
//! and operators' two-factor sign-in (`security`).
//! Operators belong to no account; their queries here are the only unscoped ones.

mod activity;
mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod page;
mod requests;
mod security;

pub use activity::{AccountActivityPage, PlatformActivityPage};
pub use api::*;
pub use page::OperatorConsolePage;
pub use security::OperatorSecurityPage;

use serde::{Deserialize, Serialize};

use crate::ids::AccountId;

/// The delivery mode in words, and the queue's depth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryOverview {
    pub mode: String,
    pub queued_recipients: i64,
    pub oldest_queued: Option<String>,
}

/// One account as the operator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub account_id: AccountId,
    pub name: String,
    pub users: i64,
    pub created: String,
    pub disabled: bool,
    /// Regions where the account is still in the sandbox.
    pub sandbox_regions: Vec<String>,
}

/// A pending request to leave the sandbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessRequest {
    pub account_id: AccountId,
    pub account_name: String,
    pub region: String,
    pub requested: String,
    pub use_case: String,
    pub max_24_hour_send: f64,
    pub max_send_rate: f64,
}
