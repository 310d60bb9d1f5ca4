//! SES's SMTP interface as users see it: where to connect and with which credentials (the
//! listeners themselves are the server crate's `smtp`).

mod api;
mod examples;
mod page;

pub use api::*;
pub use page::SmtpSettingsPage;

use serde::{Deserialize, Serialize};

/// Where the submission listeners are reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpEndpoint {
    pub host: String,
    /// Plain text first, STARTTLS required before AUTH.
    pub starttls_ports: Vec<u16>,
    /// TLS from the first byte.
    pub tls_ports: Vec<u16>,
    pub max_message_bytes: usize,
}

/// The SMTP settings page's data: the endpoint and the caller's active access key ids
/// (the SMTP user names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub endpoint: SmtpEndpoint,
    pub user_names: Vec<String>,
}
