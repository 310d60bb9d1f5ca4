//! What a send asks for, as every way in (the v1 and v2 API, SMTP, the console) hands it
//! to `accept`: who sends, what the request tells policies, and the message with every
//! address that authorization looks at. A raw message is turned into one here, once, so
//! the addresses authorized are always the message's own (its From and Sender headers)
//! whichever way it arrived.

use std::net::IpAddr;

use sesame_wire::raw_message::{Mailbox, RawMessage};
use sqlx::PgPool;

use super::tags;
use crate::{
    access_keys::{principal::KeyPrincipal, scope::KeyLimits},
    auth::{session::AccountCtx, user_arn},
    error::AppError,
    ids::AccountId,
    users::db as users,
};

/// Who sends: a user proven by an access key (the API, SMTP) or by a console session.
/// Built only from those proofs.
pub struct Sender {
    account: AccountId,
    user_arn: String,
    /// The access key's limits, which may name the identities it sends as (the console's
    /// sends have none).
    limits: KeyLimits,
}

impl Sender {
    /// The console's user, signed in.
    pub async fn signed_in(db: &PgPool, caller: &AccountCtx) -> Result<Self, AppError> {
        let name = users::find_user_name(db, caller.account_id(), caller.user_id())
            .await?
            .ok_or(AppError::Unauthorized)?;
        Ok(Self {
            account: caller.account_id().clone(),
            user_arn: user_arn(caller.account_id(), &name),
            limits: KeyLimits::default(),
        })
    }

    pub fn account(&self) -> &AccountId {
        &self.account
    }

    pub fn user_arn(&self) -> &str {
        &self.user_arn
    }

    /// Whether the sender's access key (if any) may send as the identity `arn` names.
    pub fn may_send_as(&self, arn: &str) -> bool {
        self.limits.allows_identity(self.account.as_str(), arn)
    }
}

impl From<&KeyPrincipal> for Sender {
    fn from(principal: &KeyPrincipal) -> Self {
        Self {
            account: principal.account().clone(),
            user_arn: principal.user_arn(),
            limits: principal.limits().clone(),
        }
    }
}

/// What the request itself tells policies, whatever the message.
pub struct RequestFacts {
    pub region: String,
    /// "1" for the v1 Query API, "2" for v2 and SMTP.
    pub api_version: &'static str,
    pub source_ip: Option<IpAddr>,
    pub secure_transport: bool,
    pub user_agent: Option<String>,
    /// An `Idempotency-Key` header: a retry with the same key gets the first MessageId.
    pub idempotency: Option<Idempotency>,
}

/// An `Idempotency-Key` and the hash of the request body it came with: a retry of the same
/// request gets the first MessageId, another request under the same key is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    pub key: String,
    /// Hex SHA-256 of the request body.
    pub request_hash: String,
}

/// The action a send is authorized as (what policies see as `Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAction {
    SendEmail,
    SendRawEmail,
    SendTemplatedEmail,
}

impl SendAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendEmail => "ses:SendEmail",
            Self::SendRawEmail => "ses:SendRawEmail",
            Self::SendTemplatedEmail => "ses:SendTemplatedEmail",
        }
    }
}

/// A message to accept, with everything authorization looks at.
pub struct Outgoing {
    pub request: RequestFacts,
    pub action: SendAction,
    /// The envelope sender (where feedback goes without a Return-Path).
    pub source: Mailbox,
    /// The From header's mailbox: what a reader sees, what DKIM signs for.
    pub from: Mailbox,
    /// A raw message's Sender header, authorized like From.
    pub sender: Option<Mailbox>,
    /// The bounce address (MAIL FROM), a bare address.
    pub return_path: Option<String>,
    pub source_arn: Option<String>,
    pub from_arn: Option<String>,
    pub return_path_arn: Option<String>,
    pub recipients: Vec<String>,
    /// The sender's configuration set whose event destinations get this message's events.
    pub configuration_set: Option<String>,
    /// Message tags for those events (checked here).
    pub tags: Vec<(String, String)>,
    /// The complete message, X-SES headers already removed.
    pub message: Vec<u8>,
}

/// What a raw send's request gives beside the message; each one given wins over the
/// message's own `X-SES-*` header or recipient headers.
#[derive(Default)]
pub struct RawParameters {
    /// The envelope sender: v1 `Source`, v2 `FromEmailAddress`, SMTP `MAIL FROM`. It never
    /// replaces the From header, which is authorized as it is (SES: "the From header in
    /// the raw message must be verified").
    pub source: Option<Mailbox>,
    /// v2 `FeedbackForwardingEmailAddress`.
    pub return_path: Option<String>,
    pub source_arn: Option<String>,
    pub from_arn: Option<String>,
    pub return_path_arn: Option<String>,
    /// v1 `Destinations`, v2 `Destination`, SMTP `RCPT TO`.
    pub destinations: Vec<String>,
    pub configuration_set: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// A message Sesame composed from a request's parts (v1 `SendEmail` and
/// `SendTemplatedEmail`, v2 `Simple` content, the console's test send): its From is the
/// Source it was composed with, so one grant covers both.
pub struct Composed {
    pub source: Mailbox,
    pub return_path: Option<String>,
    pub source_arn: Option<String>,
    pub return_path_arn: Option<String>,
    pub recipients: Vec<String>,
    pub configuration_set: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The complete message, as composed.
    pub message: Vec<u8>,
}

impl Outgoing {
    /// A composed message, sent as `action`.
    pub fn composed(request: RequestFacts, action: SendAction, composed: Composed) -> Self {
        Self {
            request,
            action,
            from: composed.source.clone(),
            source: composed.source,
            sender: None,
            return_path: composed.return_path,
            source_arn: composed.source_arn,
            from_arn: None,
            return_path_arn: composed.return_path_arn,
            recipients: composed.recipients,
            configuration_set: composed.configuration_set,
            tags: composed.tags,
            message: composed.message,
        }
    }

    /// A raw message (already through `raw::parse_raw`) as `ses:SendRawEmail`. Errors are
    /// the message's own faults (an unreadable `X-SES-MESSAGE-TAGS`).
    pub fn from_raw(
        request: RequestFacts,
        raw: RawMessage,
        given: RawParameters,
    ) -> Result<Self, String> {
        let tags = match &raw.message_tags {
            Some(header) if given.tags.is_empty() => tags::parse_header(header)?,
            _ => given.tags,
        };
        Ok(Self {
            request,
            action: SendAction::SendRawEmail,
            source: given.source.unwrap_or_else(|| raw.from.clone()),
            from: raw.from,
            sender: raw.sender,
            return_path: given.return_path.or(raw.return_path),
            source_arn: given.source_arn.or(raw.source_arn),
            from_arn: given.from_arn.or(raw.from_arn),
            return_path_arn: given.return_path_arn.or(raw.return_path_arn),
            recipients: if given.destinations.is_empty() {
                raw.recipients
            } else {
                given.destinations
            },
            configuration_set: given.configuration_set.or(raw.configuration_set),
            tags,
            message: raw.message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sesame_wire::raw_message::parse_raw;

    fn facts() -> RequestFacts {
        RequestFacts {
            region: "us-east-1".into(),
            api_version: "2",
            source_ip: None,
            secure_transport: true,
            user_agent: None,
            idempotency: None,
        }
    }

    fn mailbox(address: &str) -> Mailbox {
        Mailbox {
            address: address.into(),
            display_name: None,
        }
    }

    #[test]
    fn the_envelope_sender_never_replaces_the_from_header() {
        let raw = parse_raw(b"From: CEO <ceo@a.example>\r\nTo: x@b.example\r\n\r\nhi").unwrap();
        let given = RawParameters {
            source: Some(mailbox("news@a.example")),
            ..RawParameters::default()
        };
        let out = Outgoing::from_raw(facts(), raw, given).unwrap();
        assert_eq!(out.source.address, "news@a.example");
        // What the reader sees is what gets authorized.
        assert_eq!(out.from.address, "ceo@a.example");
        assert_eq!(out.recipients, ["x@b.example"]);
    }

    #[test]
    fn parameters_win_over_headers() {
        let raw = parse_raw(
            b"From: a@a.example\r\nX-SES-SOURCE-ARN: header-arn\r\nX-SES-MESSAGE-TAGS: k=v\r\nTo: x@b.example\r\n\r\nhi",
        )
        .unwrap();
        let given = RawParameters {
            source_arn: Some("parameter-arn".into()),
            destinations: vec!["y@c.example".into()],
            ..RawParameters::default()
        };
        let out = Outgoing::from_raw(facts(), raw, given).unwrap();
        assert_eq!(out.source_arn.as_deref(), Some("parameter-arn"));
        assert_eq!(out.recipients, ["y@c.example"]);
        assert_eq!(out.tags, [("k".to_owned(), "v".to_owned())]);
        assert_eq!(out.source.address, "a@a.example");
    }
}
