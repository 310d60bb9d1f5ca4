//! The recipients of a send: SES's limits and address checks, and which of them a
//! sandboxed sender may not reach.

use super::{
    coverage::{covering_names, most_specific_verified},
    db, SendError,
};
use crate::identities::domain::address_identity_name;

/// SES's limit on recipients per message.
pub const MAX_RECIPIENTS: usize = 50;
/// The mailbox simulator's domain: always allowed, even from the sandbox.
const SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";

/// The recipients as bare addresses (display names dropped, so policies on
/// `ses:Recipients` and delivery see exactly the address), checked against SES's limits.
pub fn bare_recipients(recipients: &[String]) -> Result<Vec<String>, SendError> {
    if recipients.is_empty() {
        return Err(SendError::InvalidParameter(
            "There are no recipients specified.".to_owned(),
        ));
    }
    if recipients.len() > MAX_RECIPIENTS {
        return Err(SendError::InvalidParameter(format!(
            "Recipient count exceeds {MAX_RECIPIENTS}."
        )));
    }
    recipients
        .iter()
        .map(|recipient| {
            if !recipient.is_ascii() {
                return Err(SendError::InvalidParameter(format!(
                    "There are non-ASCII characters in the email address: {recipient}"
                )));
            }
            super::compose::parse_mailbox(recipient)
                .map(|m| m.address)
                .map_err(SendError::InvalidParameter)
        })
        .collect()
}

/// Recipients a sandboxed send may not reach: neither the mailbox simulator nor covered by
/// one of the sender's verified identities.
pub fn unverified_recipients(
    own: &db::SenderStanding,
    recipients: &[String],
) -> Result<Vec<String>, SendError> {
    let mut outside = Vec::new();
    for recipient in recipients {
        let normalised = address_identity_name(recipient).map_err(SendError::InvalidParameter)?;
        if normalised.ends_with(&format!("@{SIMULATOR_DOMAIN}")) {
            continue;
        }
        if most_specific_verified(&covering_names(&normalised), &own.verified).is_none() {
            outside.push(recipient.clone());
        }
    }
    Ok(outside)
}
