//! Accepting a message: every address authorized and the sandbox judged (`authorize`);
//! then the quota and the identity owners' caps on the sender, counted under a lock; then
//! the message and its recipients are committed (with other sends waiting: `committer`)
//! and only then is a MessageId returned.

use super::{
    authorize::{authorize, Grants},
    committer::CommitError,
    db,
    recipients::bare_recipients,
    SendError,
};
use crate::{
    identities::domain::address_identity_name,
    server::{errors::internal, AppContext},
};

pub use super::outgoing::{
    Composed, Idempotency, Outgoing, RawParameters, RequestFacts, SendAction, Sender,
};
pub use super::recipients::MAX_RECIPIENTS;

/// SES's answer to a send while the account's sending is paused.
pub const SENDING_PAUSED: &str = "Sending paused for this account. For more information, please check the inbox of the email address associated with your AWS account.";

/// An accepted message, and where its sender now stands against the quota.
pub struct Accepted {
    pub message_id: String,
    pub max_24_hour_send: f64,
    /// Recipients left today (None: unlimited).
    pub remaining_24_hour_send: Option<f64>,
    pub max_send_rate: f64,
}

/// Accepts `out` for delivery, in three steps: every address authorized (and the sandbox
/// judged), the message assembled, the quota and caps decided with the commit.
pub async fn accept(
    ctx: &AppContext,
    sender: &Sender,
    mut out: Outgoing,
) -> Result<Accepted, SendError> {
    out.recipients = bare_recipients(&out.recipients)?;
    let grants = authorize(ctx, sender, &out).await?;
    let region = out.request.region.clone();
    let idempotency = out.request.idempotency.clone();
    let new = assemble(sender, grants, out)?;
    decide(ctx, new, idempotency, &region).await
}

/// The message as it is committed, named by its grants.
fn assemble(sender: &Sender, grants: Grants, out: Outgoing) -> Result<db::NewMessage, SendError> {
    let Grants {
        source,
        from,
        return_path,
    } = grants;
    let envelope_from = out
        .return_path
        .clone()
        .unwrap_or(out.source.address.clone());
    Ok(db::NewMessage {
        message_id: new_message_id(),
        account: sender.account().clone(),
        region: out.request.region.clone(),
        envelope_from,
        // As identities are named (lower case, IDNA), so the DKIM key is found for it.
        from_address: address_identity_name(&out.from.address)
            .map_err(SendError::InvalidParameter)?,
        source_arn: source.arn,
        from_arn: from.arn,
        return_path_arn: return_path.arn,
        identity_owner: from.owner,
        source_identity: source.identity_id,
        from_identity: from.identity_id,
        return_path_identity: return_path.identity_id,
        subject: subject_of(&out.message),
        raw: out.message,
        recipients: out.recipients,
        configuration_set: out.configuration_set,
        tags: out.tags,
    })
}

/// Decides the send with the quota and caps, committing it if it is accepted.
async fn decide(
    ctx: &AppContext,
    new: db::NewMessage,
    idempotency: Option<Idempotency>,
    region: &str,
) -> Result<Accepted, SendError> {
    let message_id = new.message_id.clone();
    let decision = ctx
        .committer
        .accept(new, idempotency)
        .await
        .map_err(|e| match e {
            CommitError::Busy => SendError::Busy,
            CommitError::Database(e) => SendError::Internal(internal(e)),
        })?;
    let throttled = |text: &str| Err(SendError::Throttled(text.to_owned()));
    let message_id = match decision.outcome {
        db::Outcome::Accepted | db::Outcome::Repeated => decision.message_id.unwrap_or(message_id),
        db::Outcome::DailyQuotaExceeded => return throttled("Daily message quota exceeded."),
        db::Outcome::MaxSendRateExceeded => return throttled("Maximum sending rate exceeded."),
        db::Outcome::SendingPaused => return Err(SendError::Rejected(SENDING_PAUSED.to_owned())),
        db::Outcome::GrantCapExceeded { arn, cap } => {
            return throttled(&format!(
                "Daily message quota exceeded for identity {arn}: its owner allows your account {cap} recipients in 24 hours."
            ))
        }
        db::Outcome::IdempotencyKeyReused => {
            return Err(SendError::InvalidParameter(
                "The Idempotency-Key was used in the last 24 hours for a different request; give a new request a new key.".to_owned(),
            ))
        }
        db::Outcome::NoRegion => {
            return Err(SendError::InvalidParameter(format!(
                "Your account does not send in region {region}."
            )))
        }
    };
    Ok(Accepted {
        message_id,
        max_24_hour_send: decision.max_24_hour_send,
        // A negative daily quota means unlimited (SES's -1).
        remaining_24_hour_send: (decision.max_24_hour_send >= 0.0)
            .then(|| (decision.max_24_hour_send - decision.sent_24_hours as f64).max(0.0)),
        max_send_rate: decision.max_send_rate,
    })
}

/// Characters of a Subject the Messages list keeps.
const SUBJECT_SHOWN: usize = 200;

/// The message's Subject, decoded (RFC 2047), for the Messages list: control characters
/// (a NUL, which PostgreSQL's text refuses, would fail the whole group commit) become
/// spaces, and invisible format characters, which could make a subject read as another, go.
fn subject_of(message: &[u8]) -> Option<String> {
    let headers = mail_parser::MessageParser::new().parse_headers(message)?;
    let shown: String = headers
        .subject()?
        .chars()
        .filter(|c| !crate::text::is_invisible(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Some(shown.trim().chars().take(SUBJECT_SHOWN).collect())
}

/// A SES-style MessageId: time-ordered hex, a random part, and `-000000`.
fn new_message_id() -> String {
    let millis = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    format!("{millis:016x}-{}-000000", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_decoded_and_shortened() {
        let encoded = b"From: a@a.example\r\nSubject: =?UTF-8?B?SGVsbG8sIHfDtnJsZA==?=\r\n\r\nhi";
        assert_eq!(subject_of(encoded).as_deref(), Some("Hello, wörld"));
        let long = format!("Subject: {}\r\n\r\nhi", "é".repeat(500));
        assert_eq!(
            subject_of(long.as_bytes()).unwrap().chars().count(),
            SUBJECT_SHOWN
        );
        assert_eq!(subject_of(b"From: a@a.example\r\n\r\nhi"), None);
        // A NUL (here B-encoded) and a right-to-left override.
        let hostile = "Subject: =?UTF-8?B?SGkALmV4ZQ==?= \u{202e}fdp\r\n\r\nhi";
        assert_eq!(
            subject_of(hostile.as_bytes()).as_deref(),
            Some("Hi .exe fdp")
        );
    }
}
