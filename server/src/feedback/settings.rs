//! `[feedback]`: where DSNs and complaint reports come back to.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FeedbackSettings {
    /// The domain of Sesame's bounce addresses (`bounce+<token>@<domain>`), whose MX must
    /// point at the listener. Unset: mail leaves with the sender's own bounce address and
    /// no listener runs.
    pub domain: Option<String>,
    /// The inbound listener (SMTP, as MTAs deliver bounces; production: port 25).
    pub listen_addrs: Vec<SocketAddr>,
    pub max_message_bytes: usize,
    pub timeout_secs: u64,
    /// Connections open at once, in all and from one client address.
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    /// TCP load balancers in front of the listener that send the PROXY protocol (v2), as
    /// `[smtp] proxy_protocol_from` says.
    pub proxy_protocol_from: Vec<String>,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        Self {
            domain: None,
            listen_addrs: vec![SocketAddr::from(([127, 0, 0, 1], 2525))],
            max_message_bytes: 10 * 1024 * 1024,
            timeout_secs: 60,
            max_connections: 200,
            max_connections_per_ip: 10,
            proxy_protocol_from: Vec::new(),
        }
    }
}
