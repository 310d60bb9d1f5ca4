//! Sending: accepting a message through the API, SMTP and the console — sending
//! authorization, verification, the sandbox and the quota — and putting it durably in the
//! outbound queue the delivery workers drain; the Messages and Send test email pages.

#[cfg(feature = "ssr")]
pub mod accept;
mod api;
#[cfg(feature = "ssr")]
pub mod committer;
#[cfg(feature = "ssr")]
pub mod compose;
#[cfg(feature = "ssr")]
pub mod coverage;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod outgoing;
mod pages;
#[cfg(feature = "ssr")]
mod recipients;
#[cfg(feature = "ssr")]
pub mod tags;

pub use api::*;
pub use pages::{MessagesPage, SendTestPage};

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// An accepted message as the Messages page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageSummary {
    pub message_id: String,
    pub created: String,
    pub region: String,
    pub from_address: String,
    /// Recipient addresses with each one's outcome (`ann@example.com: Queued`).
    pub recipients: Vec<String>,
    pub status: String,
    /// The identity that authorized From, and whether another account owns it (a
    /// delegated send).
    pub from_arn: String,
    pub delegated: bool,
}

/// Why a send was refused, with SES's texts (the API maps these to SES's codes).
#[cfg(feature = "ssr")]
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
    /// The send named a configuration set the sender does not have.
    ConfigurationSetDoesNotExist(String),
    Throttled(String),
    /// Too many sends are waiting for the database; try again shortly.
    Busy,
    Internal(AppError),
}

#[cfg(feature = "ssr")]
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
            Self::ConfigurationSetDoesNotExist(name) => {
                format!("Configuration set <{name}> does not exist.")
            }
            Self::Rejected(m) | Self::InvalidParameter(m) | Self::Throttled(m) => m.clone(),
            Self::Busy => "The service is busy accepting other messages. Try again shortly.".to_owned(),
            Self::Internal(e) => e.to_string(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<AppError> for SendError {
    fn from(e: AppError) -> Self {
        Self::Internal(e)
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for SendError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// The console shows a refused send with SES's words.
#[cfg(feature = "ssr")]
impl From<SendError> for AppError {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Internal(e) => e,
            other => AppError::Conflict {
                message: other.message(),
            },
        }
    }
}
