//! Access keys: an `AKIA…` id and a 40-character secret per key, at most two active per
//! user. The secret signs API requests (SigV4) and yields the SES SMTP password; it is shown
//! once, at creation, and stored only encrypted. A key may be limited further (`scope`).

mod api;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod credentials;
#[cfg(feature = "ssr")]
pub mod db;
mod examples;
#[cfg(feature = "ssr")]
mod issue;
mod page;
#[cfg(feature = "ssr")]
pub mod principal;
pub mod scope;
mod scope_fields;

pub use api::*;
#[cfg(feature = "ssr")]
pub use issue::{issue_access_key, KeyRequest};
pub use page::AccessKeysPage;

use serde::{Deserialize, Serialize};

/// IAM's limit, and its error text.
pub const MAX_ACTIVE_KEYS: i64 = 2;
pub const LIMIT_MESSAGE: &str = "Cannot exceed quota for AccessKeysPerUser: 2";

/// An access key as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessKey {
    pub access_key_id: String,
    pub active: bool,
    pub created: String,
    pub last_used: Option<String>,
    pub last_used_region: Option<String>,
    /// The SES action, or `SMTP` for an SMTP login.
    pub last_used_action: Option<String>,
    pub scope: scope::KeyScope,
    pub expires: Option<String>,
    pub expired: bool,
}

/// A key just created: the only time its secret and SMTP password are ever shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub smtp_region: String,
    pub smtp_password: String,
}
