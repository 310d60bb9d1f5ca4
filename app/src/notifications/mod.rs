//! Event destinations: a sender's configuration sets (named on a send) and an owner's
//! identities (every send from them), each with webhook or email destinations. Events are
//! fanned out into a durable outbox (`notification`) in the transaction that records
//! them; workers deliver each at least once with the same event id — webhooks signed,
//! through the SSRF guard — retried for over a day, with a per-attempt log, redelivery, a
//! test event and automatic disabling of endpoints that keep failing.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod deliveries;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod guard;
#[cfg(feature = "ssr")]
pub mod outbox;
mod pages;
#[cfg(feature = "ssr")]
pub mod payload;
#[cfg(feature = "ssr")]
pub mod sets;
#[cfg(feature = "ssr")]
pub mod webhook;

pub use api::*;
pub use pages::{ConfigurationSetsPage, DestinationPage, IdentityDestinations};

use serde::{Deserialize, Serialize};

/// The events a destination can ask for, in SES's names.
pub const EVENT_TYPES: [&str; 6] = [
    "Send",
    "Reject",
    "Delivery",
    "Bounce",
    "Complaint",
    "DeliveryDelay",
];

/// A destination as its form sends it: a name, a webhook URL or an email address, and one
/// field per event type checked (`bounce=on`, as an HTML form sends a checkbox; the field
/// of `DeliveryDelay` is `delivery_delay`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DestinationForm {
    pub name: String,
    pub url: String,
    pub email: String,
    pub send: Option<String>,
    pub reject: Option<String>,
    pub delivery: Option<String>,
    pub bounce: Option<String>,
    pub complaint: Option<String>,
    pub delivery_delay: Option<String>,
}

impl DestinationForm {
    /// Whether each of `EVENT_TYPES` is checked, in that order (a field sent empty is not).
    pub fn checked(&self) -> [bool; 6] {
        [
            &self.send,
            &self.reject,
            &self.delivery,
            &self.bounce,
            &self.complaint,
            &self.delivery_delay,
        ]
        .map(|field| field.as_deref().is_some_and(|value| !value.is_empty()))
    }
}

/// SES's rule for configuration set and destination names.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A configuration set name, or why it is not one.
pub fn check_set_name(name: &str) -> Result<&str, String> {
    valid_name(name).then_some(name).ok_or_else(|| {
        format!("Configuration set name <{name}> is invalid: use 1 to 64 letters, digits, underscores and hyphens.")
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigurationSet {
    pub region: String,
    pub name: String,
    pub destinations: Vec<Destination>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Destination {
    pub destination_id: String,
    pub name: String,
    /// The webhook's URL, or the email address.
    pub target: String,
    pub email: bool,
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub consecutive_failures: i32,
    /// Why Sesame disabled it, when it did.
    pub disabled_reason: Option<String>,
}

/// A destination just created: the only time its signing key is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDestination {
    pub destination_id: String,
    pub signing_key: String,
}

/// One event for one destination, with every attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub notification_id: String,
    pub event_id: String,
    pub event_type: String,
    pub message_id: String,
    /// Pending, Delivered or Failed.
    pub status: String,
    pub created: String,
    pub attempts: Vec<DeliveryAttempt>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    pub at: String,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    pub response: String,
}

/// A destination's page: the destination, its recent deliveries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestinationDetail {
    /// What it belongs to, in words.
    pub scope: String,
    pub destination: Destination,
    pub deliveries: Vec<Delivery>,
}

/// What a test event came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub http_status: Option<u16>,
    pub latency_ms: i32,
    pub response: String,
}
