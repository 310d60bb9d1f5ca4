//! Why a send was refused, in SES's words; each way in maps these to its own codes (the
//! v1 and v2 API, SMTP replies, the console's message).

use crate::{error::AppError, ids::AccountId};

/// Which rule left an address of a send unverified. SES answers "Email address is not
/// verified" to all of them; people need to know which one it was to do something about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unverified {
    /// No verified identity of the sender covers the address, and no ARN named another
    /// account's: the sender's own identity is missing or pending, or an identity shared
    /// with it was meant and its ARN not given.
    NotOwned,
    /// The identity the ARN names is not verified (yet).
    IdentityPending { arn: String },
    /// The sender is in the sandbox, where only verified recipients may be mailed.
    SenderInSandbox,
    /// The sender is out of the sandbox, but the owner of an identity it sends as is not:
    /// both must be out to reach unverified recipients.
    OwnerInSandbox { owner: AccountId },
}

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
        /// Which rule applied: SES says the same for each, the console tells them apart.
        why: Unverified,
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
            Self::NotVerified {
                region, identities, ..
            } => format!(
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

impl SendError {
    /// What the console says: SES's words, then which rule applied and what to do.
    pub fn explained(&self) -> String {
        let why = match self {
            Self::AccessDenied { resource, .. } => format!(
                "No sending authorization policy of {resource} allows your account this send, or no such identity is shared with you. Its owner can check on the identity's Authorization tab; Shared with me lists what you may send as."
            ),
            Self::NotVerified { why, region, identities } => match why {
                Unverified::NotOwned => format!(
                    "None of your verified identities in {region} covers {}. If another account shared the identity with you, choose it (its ARN is sent as SourceArn); if it is yours, verify it under Identities.",
                    identities.join(", ")
                ),
                Unverified::IdentityPending { arn } => format!(
                    "The identity {arn} is not verified yet; it can be sent as once its owner has verified it."
                ),
                Unverified::SenderInSandbox => format!(
                    "Your account is in the sandbox in {region}: it may send only to verified addresses and the mailbox simulator, and {} is not verified. Request production access on the Quota page.",
                    identities.join(", ")
                ),
                Unverified::OwnerInSandbox { owner } => format!(
                    "Your account is out of the sandbox, but the identity's owner (account {owner}) is still in the sandbox in {region}; while it is, sends as its identities reach only verified recipients and the mailbox simulator, and {} is not verified.",
                    identities.join(", ")
                ),
            },
            _ => return self.message(),
        };
        format!("{} {why}", self.message())
    }
}

/// The console shows a refused send with SES's words and, where SES is terse, which rule
/// applied (`SendError::explained`).
impl From<SendError> for AppError {
    fn from(error: SendError) -> Self {
        match error {
            SendError::Internal(e) => e,
            other => AppError::Conflict {
                message: other.explained(),
            },
        }
    }
}
