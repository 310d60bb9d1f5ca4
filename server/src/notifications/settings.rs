//! `[webhooks]`: which URLs event destinations may call, and how hard deliveries are
//! retried.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct WebhookSettings {
    /// Concurrent calls from this process (one at a time per destination).
    pub workers: usize,
    /// How often idle workers look for due deliveries, in milliseconds.
    pub poll_ms: u64,
    /// The longest wait for an endpoint's answer.
    pub timeout_secs: u64,
    /// Plain-http URLs (payloads and signatures would travel in the clear).
    pub allow_http: bool,
    pub allowed_ports: Vec<u16>,
    /// Addresses exempt from the SSRF guard (receivers inside the operator's network).
    pub allowed_addresses: Vec<IpAddr>,
    /// First retry; doubled per attempt (with jitter) up to `retry_max_secs`.
    pub retry_base_secs: u64,
    pub retry_max_secs: u64,
    /// A delivery still failing this long after its event is given up (Failed).
    pub max_age_secs: u64,
    /// Failed attempts in a row after which a destination is disabled.
    pub disable_after: i32,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            workers: 16,
            poll_ms: 500,
            timeout_secs: 10,
            allow_http: false,
            allowed_ports: vec![443, 8443],
            allowed_addresses: Vec::new(),
            retry_base_secs: 10,
            retry_max_secs: 4 * 3600,
            max_age_secs: 26 * 3600,
            disable_after: 50,
        }
    }
}
