//! Sending: accepting a message through the API, SMTP and the console — sending
//! authorization, verification, the sandbox and the quota — and putting it durably in the
//! outbound queue the delivery workers drain; the Messages and Send test email pages.

#[cfg(feature = "ssr")]
pub mod accept;
mod api;
#[cfg(feature = "ssr")]
mod authorize;
#[cfg(feature = "ssr")]
pub mod committer;
#[cfg(feature = "ssr")]
pub mod compose;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod outgoing;
mod pages;
#[cfg(feature = "ssr")]
mod recipients;
#[cfg(feature = "ssr")]
mod send_error;
#[cfg(feature = "ssr")]
pub mod tags;

pub use api::*;
pub use pages::{MessagesPage, SendAsPicker, SendTestPage};
#[cfg(feature = "ssr")]
pub use recipients::is_simulator_address;
#[cfg(feature = "ssr")]
pub use send_error::{SendError, Unverified};

use serde::{Deserialize, Serialize};

use crate::identities::IdentityKind;

/// The mailbox simulator's "delivered" address: what copyable examples send to, since a
/// sandboxed account may send to it.
pub const SIMULATOR_SUCCESS: &str = "success@simulator.amazonses.com";

/// The mailbox simulator's addresses, each a scenario (SES's `*@simulator.amazonses.com`).
pub const SIMULATOR_SCENARIOS: [(&str, &str); 5] = [
    (SIMULATOR_SUCCESS, "delivered"),
    ("bounce@simulator.amazonses.com", "hard bounce"),
    ("ooto@simulator.amazonses.com", "out-of-office reply"),
    ("complaint@simulator.amazonses.com", "complaint"),
    (
        "suppressionlist@simulator.amazonses.com",
        "on the suppression list",
    ),
];

/// A verified identity the caller may send as: one of its own, or one shared with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SendAs {
    pub name: String,
    pub kind: IdentityKind,
    pub region: String,
    pub arn: String,
    /// The owner's display name, for a shared identity.
    pub shared_by: Option<String>,
    /// For a shared identity whose grant names exact From addresses: the first of them.
    pub granted_from: Option<String>,
}

impl SendAs {
    /// An address it covers, for an example: the address itself, or one at the domain
    /// (for a shared identity whose grant names From addresses, the first of them).
    pub fn example_from(&self) -> String {
        if let Some(granted) = &self.granted_from {
            return granted.clone();
        }
        match self.kind {
            IdentityKind::Domain => format!("sender@{}", self.name),
            IdentityKind::EmailAddress => self.name.clone(),
        }
    }

    /// What to send as SourceArn (X-SES-SOURCE-ARN): a shared identity's ARN; nothing for
    /// the caller's own, which its From address finds.
    pub fn source_arn(&self) -> Option<&str> {
        self.shared_by.as_ref().map(|_| self.arn.as_str())
    }

    /// As a picker lists it.
    pub fn label(&self) -> String {
        match &self.shared_by {
            Some(owner) => format!("{} ({}) — shared by {owner}", self.name, self.region),
            None => format!("{} ({})", self.name, self.region),
        }
    }
}

/// Where a page of the Messages list ends: the last message shown, for the next page
/// (keyset paging, so a page is as quick deep in the history as at its start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageCursor {
    /// RFC 3339, to the microsecond.
    pub at: String,
    pub message_id: String,
}

/// One page of the Messages list, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageList {
    pub messages: Vec<MessageSummary>,
    /// Where the next (older) page starts; None on the last page.
    pub older: Option<MessageCursor>,
}

/// The statuses a message goes through (`message.status`), as the filter offers them.
pub const MESSAGE_STATUSES: [&str; 5] = ["Queued", "Sending", "Delivered", "Bounced", "Failed"];

/// How many messages a page of the list shows.
pub const MESSAGES_PER_PAGE: i64 = 50;

/// An accepted message as the Messages page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageSummary {
    pub message_id: String,
    pub created: String,
    pub region: String,
    pub from_address: String,
    /// None for a message without a Subject header.
    pub subject: Option<String>,
    /// Recipient addresses with each one's outcome (`ann@example.com: Queued`).
    pub recipients: Vec<String>,
    pub status: String,
    /// The identity that authorized From, and whether another account owns it (a
    /// delegated send).
    pub from_arn: String,
    pub delegated: bool,
}
