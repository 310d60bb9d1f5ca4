//! Delivery as the account sees it — each message's recipients and their outcomes, every
//! attempt (which server, what it answered, when), the events timeline and the source —
//! and the queue the delivery workers drain. The workers themselves (SMTP, DKIM, the
//! mailbox simulator) are in the server crate, `server/src/delivery`.

mod api;
#[cfg(feature = "ssr")]
pub mod detail;
mod page;
#[cfg(feature = "ssr")]
pub mod queue;

pub use api::*;
pub use page::MessageDetailPage;

use serde::{Deserialize, Serialize};

/// One message, everything known about its delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageDetail {
    pub message_id: String,
    pub accepted: String,
    pub region: String,
    pub envelope_from: String,
    pub from_address: String,
    pub from_arn: String,
    pub status: String,
    pub recipients: Vec<RecipientOutcome>,
    pub attempts: Vec<DeliveryAttempt>,
    pub events: Vec<MessageEvent>,
    /// The message as accepted (X-SES headers removed; the DKIM signature is added on the
    /// way out and shows in the receiver's copy).
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecipientOutcome {
    pub address: String,
    /// Queued, Delivered or Bounced.
    pub status: String,
    pub bounce_type: Option<String>,
    pub attempts: i32,
    pub remote_host: Option<String>,
    pub last_reply: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    pub recipient: String,
    pub at: String,
    pub remote_host: String,
    pub reply: String,
    /// Delivered, Deferred or Bounced.
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageEvent {
    pub at: String,
    /// Send, Delivery, DeliveryDelay or Bounce.
    pub event_type: String,
    pub recipient: Option<String>,
    pub detail: String,
}
