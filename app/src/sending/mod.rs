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
pub use pages::{MessagesPage, SendTestPage};
#[cfg(feature = "ssr")]
pub use recipients::is_simulator_address;
#[cfg(feature = "ssr")]
pub use send_error::SendError;

use serde::{Deserialize, Serialize};

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
