//! Why a send was refused, in SES's words; each way in maps these to its own codes (the
//! v1 and v2 API, SMTP replies, the console's message).

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
    /// The send named a configuration set the sender does not have.
    ConfigurationSetDoesNotExist(String),
    Throttled(String),
    /// Too many sends are waiting for the database; try again shortly.
    Busy,
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
            Self::ConfigurationSetDoesNotExist(name) => {
                format!("Configuration set <{name}> does not exist.")
            }
            Self::Rejected(m) | Self::InvalidParameter(m) | Self::Throttled(m) => m.clone(),
            Self::Busy => "The service is busy accepting other messages. Try again shortly.".to_owned(),
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

/// The console shows a refused send with SES's words.
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
