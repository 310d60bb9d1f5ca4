//! The recipients of a send: SES's limits and address checks, and which of them a
//! sandboxed sender may not reach.

use super::{db, SendError};
use crate::identities::{
    coverage::{covering_names, most_specific_verified},
    domain::address_identity_name,
};

/// SES's limit on recipients per message.
pub const MAX_RECIPIENTS: usize = 50;
/// The mailbox simulator's domain: never delivered anywhere, and always allowed, even from
/// the sandbox.
const SIMULATOR_DOMAIN: &str = "simulator.amazonses.com";

/// An address at the mailbox simulator, in any case. The same rule as the SQL function
/// `is_simulator_address` (migration 0025), which the quota and the reputation counters
/// apply; a test checks the two agree.
pub fn is_simulator_address(address: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(SIMULATOR_DOMAIN))
}

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
            let mailbox =
                super::compose::parse_mailbox(recipient).map_err(SendError::InvalidParameter)?;
            envelope_address(&mailbox.address).map_err(SendError::InvalidParameter)
        })
        .collect()
}

/// `address` as it goes in `RCPT TO`: a plain RFC 5321 mailbox (`local@domain`, the local
/// part a dot-string, the domain in lower-case IDNA form without a trailing dot). Comments,
/// quoting, address literals and trailing dots are refused rather than passed on, because a
/// receiver may read them differently from the policies that judged the recipient
/// (`x@(c)rival.example` and `x@rival.example.` are both mail for rival.example).
pub fn envelope_address(address: &str) -> Result<String, String> {
    let invalid = || format!("Invalid email address: {address}.");
    let (local, domain) = address.rsplit_once('@').ok_or_else(invalid)?;
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let dot_string = !local.is_empty()
        && local.len() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext));
    if !dot_string || domain.ends_with('.') {
        return Err(invalid());
    }
    let normalised = crate::identities::domain::DomainName::parse(domain).map_err(|_| invalid())?;
    if !normalised.as_str().eq_ignore_ascii_case(domain) && domain.is_ascii() {
        return Err(invalid());
    }
    Ok(format!("{local}@{normalised}"))
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
        if is_simulator_address(&normalised) {
            continue;
        }
        if most_specific_verified(&covering_names(&normalised), &own.verified).is_none() {
            outside.push(recipient.clone());
        }
    }
    Ok(outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_plain_mailboxes_with_a_normal_domain() {
        assert_eq!(
            envelope_address("Ann.Lee+x@Mail.Example.COM").unwrap(),
            "Ann.Lee+x@mail.example.com"
        );
        for bad in [
            "x@rival.example.",
            "x@(c)rival.example",
            "x@rival.example,y@ok.example",
            "\"a b\"@rival.example",
            "x@[127.0.0.1]",
            ".x@rival.example",
            "x..y@rival.example",
            "x@@rival.example",
            "x@rival..example",
        ] {
            assert!(envelope_address(bad).is_err(), "{bad} was accepted");
        }
    }
}
