//! The audit log: every change to an account's identities, policies, access keys, users and
//! sign-in security, and every sign-in, with who made it (a user in the console, an access
//! key over the API or SMTP, an operator, or Sesame itself), through what and from where.
//!
//! An entry is written by [`record`] in the same transaction as the change it describes,
//! so a change that fails leaves none and one that lands cannot go unrecorded; the table
//! refuses updates (append-only) and only the retention sweep deletes. Owners read it on
//! the Activity page and an identity's History; operators read any account's, and the
//! platform's own ([`Log::Platform`]: operators' sign-ins and sign-in security).

mod api;
mod entries;
mod kind;
mod page;

#[cfg(feature = "ssr")]
mod actor;
#[cfg(feature = "ssr")]
mod csv;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
mod diff;
#[cfg(feature = "ssr")]
mod record;

pub use api::*;
pub use entries::{ActivityTable, IdentityHistory};
pub use kind::AuditKind;
pub use page::{ActivityLog, ActivityPage};

#[cfg(feature = "ssr")]
pub use {
    actor::Actor,
    record::{record, record_failed_sign_in, record_in, Change, FAILED_SIGN_INS_PER_HOUR},
};

use serde::{Deserialize, Serialize};

use uuid::Uuid;

use crate::ids::AccountId;

/// Whose log an entry is in: an account's, or the platform's own (operators' sign-ins and
/// sign-in security, which belong to no account; operators read it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Log {
    Account(AccountId),
    Platform,
}

impl Log {
    /// The account the log's entries are stored under; none for the platform's.
    #[cfg(feature = "ssr")]
    fn account(&self) -> Option<&str> {
        match self {
            Log::Account(account) => Some(account.as_str()),
            Log::Platform => None,
        }
    }
}

/// One entry as the pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub id: i64,
    pub at: String,
    pub kind: AuditKind,
    /// The user's ARN, the operator's email, or "Sesame".
    pub actor: String,
    /// The actor is only who the client claimed to be, or held a link mailed to (a failed
    /// sign-in, a password reset).
    pub claimed: bool,
    pub access_key_id: Option<String>,
    pub source: String,
    pub client_address: String,
    pub user_agent: String,
    pub identity: Option<String>,
    pub subject: String,
    /// A document's change, line by line (policies).
    pub diff: Vec<DiffLine>,
}

/// A line of a document's diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffLine {
    pub change: LineChange,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineChange {
    Removed,
    Added,
    Kept,
}

/// What the Activity page narrows the log to; empty fields narrow nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityFilter {
    /// An `AuditKind`'s name, or a family of them (`policy` for every `policy.*`).
    pub kind: String,
    /// An actor exactly (an ARN, an operator's email, "Sesame") or an access key id.
    pub actor: String,
    pub identity: String,
    /// With `identity`: only that identity, not another of its name in another region
    /// (an identity's History; the page's form narrows by name only).
    #[serde(default)]
    pub identity_id: Option<Uuid>,
    /// Only entries older than this one (the next page).
    pub before: Option<i64>,
}

/// A page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityPageData {
    pub entries: Vec<ActivityEntry>,
    /// The filter for the next (older) page, when there is one.
    pub older: Option<i64>,
}

/// Entries on one page of the Activity list.
pub const PAGE_SIZE: i64 = 50;
/// Entries at most in one CSV download (the newest that match): the download is a `data:`
/// link, which browsers cap at a few megabytes.
pub const CSV_LIMIT: i64 = 5_000;
