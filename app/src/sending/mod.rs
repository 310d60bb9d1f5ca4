//! Sending: accepting a message through the API (and later SMTP) — sending authorization,
//! verification, the sandbox and the quota — and putting it durably in the outbound queue
//! the delivery workers drain.

pub mod accept;
pub mod compose;
pub mod db;
pub mod raw;

use crate::error::AppError;

/// Why a send was refused, with SES's texts (the API maps these to SES's codes).
#[derive(Debug)]
pub enum SendError {
    /// Another account's identity was named and its policies do not allow this sender.
    AccessDenied {
        principal: String,
        action: String,
        resource: String,
    },
    /// Addresses not covered by a verified identity (or, in the sandbox, recipients).
    NotVerified {
        region: String,
        identities: Vec<String>,
    },
    Rejected(String),
    InvalidParameter(String),
    Throttled(String),
    Internal(AppError),
}

impl SendError {
    /// The message SES gives.
    pub fn message(&self) -> String {
        match self {
            Self::AccessDenied {
                principal,
                action,
                resource,
            } => format!(
                "User `{principal}' is not authorized to perform `{action}' on resource `{resource}'"
            ),
            Self::NotVerified { region, identities } => format!(
                "Email address is not verified. The following identities failed the check in region {}: {}",
                region.to_uppercase(),
                identities.join(", ")
            ),
            Self::Rejected(m) | Self::InvalidParameter(m) | Self::Throttled(m) => m.clone(),
            Self::Internal(e) => e.to_string(),
        }
    }
}

impl From<AppError> for SendError {
    fn from(e: AppError) -> Self {
        Self::Internal(e)
    }
}

impl From<sqlx::Error> for SendError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}
