//! What every way of delivering shares: the message on the way out, the replies, and each
//! recipient's result.

use std::fmt;

/// An SMTP reply, or Sesame's own description of why there was none (a timeout, a refused
/// connection), written as the 4xx reply it amounts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub text: String,
}

impl Reply {
    pub fn new(code: u16, text: impl Into<String>) -> Self {
        Self {
            code,
            text: text.into(),
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code, self.text)
    }
}

/// How one recipient fared in one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientResult {
    /// The receiving server took responsibility (250 after DATA).
    Delivered(Reply),
    /// Try again later (4xx, or no answer).
    Deferred(Reply),
    /// Refused for good (5xx).
    Bounced(Reply),
}

impl RecipientResult {
    /// 2xx delivered, 5xx bounced, anything else (4xx, or a reply that makes no sense
    /// here) deferred.
    pub fn from_reply(reply: Reply) -> Self {
        match reply.code {
            200..=299 => Self::Delivered(reply),
            500..=599 => Self::Bounced(reply),
            _ => Self::Deferred(reply),
        }
    }

    pub fn reply(&self) -> &Reply {
        match self {
            Self::Delivered(r) | Self::Deferred(r) | Self::Bounced(r) => r,
        }
    }
}

/// Whose Mailbox keeps the sink's copy of a message.
#[derive(Debug, Clone, Copy)]
pub enum Concerning<'a> {
    /// An accepted message: its sending account's (found by the message id).
    Message,
    /// Sesame's own mail about an account: that account's.
    Account(&'a app::ids::AccountId),
    /// Sesame's own mail before there is an account (a sign-up's link, an invitation):
    /// nobody's — the link is only for whoever reads the address's mail.
    Nobody,
}

/// A message ready to go: DKIM-signed, CRLF line endings, X-SES headers long gone.
pub struct Envelope<'a> {
    /// The accepted message, or the id of Sesame's own mail.
    pub message_id: &'a str,
    pub about: Concerning<'a>,
    /// MAIL FROM.
    pub from: &'a str,
    /// RCPT TO, bare addresses.
    pub recipients: &'a [&'a str],
    pub data: &'a [u8],
}

/// The result for `envelope.recipients[recipient]`, and the server that gave it.
#[derive(Debug)]
pub struct Outcome {
    pub recipient: usize,
    pub remote_host: String,
    pub result: RecipientResult,
}

impl Outcome {
    /// The same result for every recipient in `indexes` (one SMTP transaction's verdict).
    pub fn all(
        indexes: impl IntoIterator<Item = usize>,
        remote_host: &str,
        result: &RecipientResult,
    ) -> Vec<Outcome> {
        indexes
            .into_iter()
            .map(|recipient| Outcome {
                recipient,
                remote_host: remote_host.to_owned(),
                result: result.clone(),
            })
            .collect()
    }
}
