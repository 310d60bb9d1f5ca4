//! Identities: the domains and email addresses an account owns in a region, verified by
//! DNS (domains) or by a mailed link (addresses), each domain with its own DKIM key.

mod api;
#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "ssr")]
pub mod coverage;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod dev_zone;
#[cfg(feature = "ssr")]
pub mod dkim;
#[cfg(feature = "ssr")]
pub mod dns;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod email;
mod pages;
#[cfg(feature = "ssr")]
pub mod records;
#[cfg(feature = "ssr")]
pub mod service;
pub mod verification;

pub use api::*;
pub use pages::{IdentitiesPage, IdentityPage, StatusBadge, VerifyEmailPage};

use serde::{Deserialize, Serialize};

use crate::ids::AccountId;

/// At most this many identities per account and region (SES's limit).
pub const MAX_IDENTITIES: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Domain,
    EmailAddress,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::EmailAddress => "email_address",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Domain => "Domain",
            Self::EmailAddress => "Email address",
        }
    }
}

impl std::str::FromStr for IdentityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "domain" => Ok(Self::Domain),
            "email_address" => Ok(Self::EmailAddress),
            other => Err(format!("unknown identity kind `{other}`")),
        }
    }
}

/// SES's verification statuses, spelled as SES spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerificationStatus {
    Pending,
    Success,
    Failed,
    TemporaryFailure,
    NotStarted,
}

impl VerificationStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Success,
        Self::Failed,
        Self::TemporaryFailure,
        Self::NotStarted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Success => "Success",
            Self::Failed => "Failed",
            Self::TemporaryFailure => "TemporaryFailure",
            Self::NotStarted => "NotStarted",
        }
    }
}

impl std::str::FromStr for VerificationStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown status `{s}`"))
    }
}

/// The key type of a domain's DKIM key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DkimAlgorithm {
    #[serde(rename = "rsa-sha256")]
    Rsa2048,
    #[serde(rename = "ed25519-sha256")]
    Ed25519,
}

impl DkimAlgorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rsa2048 => "rsa-sha256",
            Self::Ed25519 => "ed25519-sha256",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Rsa2048 => "RSA 2048 (widely supported)",
            Self::Ed25519 => "Ed25519 (smaller; not every receiver verifies it)",
        }
    }
}

impl std::str::FromStr for DkimAlgorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "rsa-sha256" => Ok(Self::Rsa2048),
            "ed25519-sha256" => Ok(Self::Ed25519),
            other => Err(format!("unknown DKIM algorithm `{other}`")),
        }
    }
}

/// `arn:aws:ses:<region>:<account>:identity/<domain-or-address>`
pub fn identity_arn(region: &str, account: &AccountId, name: &str) -> String {
    format!("arn:aws:ses:{region}:{account}:identity/{name}")
}

/// One identity in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentitySummary {
    pub identity_id: uuid::Uuid,
    pub kind: IdentityKind,
    pub name: String,
    pub region: String,
    pub status: VerificationStatus,
    pub arn: String,
}

/// The outcome of opening an email verification link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailConfirmation {
    pub address: String,
    pub status: VerificationStatus,
}

/// A DNS record the owner publishes, with what the resolver last answered for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DnsRecord {
    /// What the record is for ("Verification", "DKIM").
    pub purpose: String,
    /// Fully qualified, e.g. `_amazonses.example.com`.
    pub name: String,
    /// Relative to the domain, e.g. `_amazonses` (what most DNS consoles want).
    pub relative_name: String,
    pub record_type: String,
    pub value: String,
    /// The last check found exactly this value.
    pub found: bool,
}

/// Everything the identity page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityDetail {
    pub summary: IdentitySummary,
    pub records: Vec<DnsRecord>,
    pub dkim_selector: Option<String>,
    pub dkim_algorithm: Option<String>,
    /// TXT values the resolver answered at the last check (all names), for comparison.
    pub last_answers: Vec<String>,
    pub last_checked: Option<String>,
    pub verification_deadline: Option<String>,
    pub dev_zone: bool,
    pub dev_zone_available: bool,
    pub feedback_forwarding: bool,
    /// An address identity's newest verification mail, as delivery left it.
    pub verification_mail: Option<VerificationMail>,
}

/// How a verification mail fared on its way to the address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationMail {
    pub to: String,
    /// Pending (queued or waiting to be retried), Delivered or Failed.
    pub status: String,
    pub attempts: i32,
    /// The last answer, and the server that gave it (`sink`: the built-in Mailbox).
    pub last_reply: Option<String>,
    pub remote_host: Option<String>,
    pub queued: String,
}
