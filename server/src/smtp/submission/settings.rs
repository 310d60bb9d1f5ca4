//! `[smtp]`: the submission listeners delegates send through, and their limits.

use std::{net::SocketAddr, path::PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SmtpSettings {
    /// Listeners that start in plain text and require STARTTLS before AUTH (SES: 25, 587,
    /// 2587). Empty: none.
    pub starttls_addrs: Vec<SocketAddr>,
    /// Listeners that speak TLS from the first byte (SES: 465, 2465).
    pub tls_addrs: Vec<SocketAddr>,
    /// The name in the greeting and EHLO, in a generated certificate, and shown to users.
    /// Default: the host of `public_url`.
    pub hostname: Option<String>,
    /// A PEM certificate chain and its key. Without them a self-signed certificate is
    /// generated into `<data_dir>/smtp-tls/` on first start and reused after.
    pub cert_path: Option<PathBuf>,
    pub key_path: Option<PathBuf>,
    /// The largest message accepted (advertised as SIZE; SES's is 10 MB).
    pub max_message_bytes: usize,
    /// How long any one line (a command, a line of data, the TLS handshake) may take.
    pub timeout_secs: u64,
    /// Connections open at once, in all and from one client address.
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    /// AUTH attempts allowed per client address and user name in 15 minutes (ten times as
    /// many per address, fifty times per user name); beyond them, one per back-off
    /// period, the rest refused without checking — counted in Postgres, for every process.
    pub max_auth_failures: i32,
    /// TCP load balancers in front of the listeners that send the PROXY protocol (v2), as
    /// addresses or CIDR blocks. From them the client's address is read from the header
    /// (and a connection without a valid one is closed); from anyone else no header is
    /// read. Empty (the default): the TCP peer is the client.
    pub proxy_protocol_from: Vec<String>,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            starttls_addrs: vec![SocketAddr::from(([127, 0, 0, 1], 2587))],
            tls_addrs: vec![SocketAddr::from(([127, 0, 0, 1], 2465))],
            hostname: None,
            cert_path: None,
            key_path: None,
            max_message_bytes: 10 * 1024 * 1024,
            timeout_secs: 60,
            max_connections: 1000,
            max_connections_per_ip: 20,
            max_auth_failures: 10,
            proxy_protocol_from: Vec::new(),
        }
    }
}
