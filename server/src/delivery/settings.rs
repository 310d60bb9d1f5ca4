//! `[delivery]`: how accepted mail leaves Sesame, and how hard it is retried.

use std::net::IpAddr;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Where delivered mail goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryMode {
    /// Into Sesame's own mailbox (the embedded default: nothing leaves the machine).
    Sink,
    /// Through an SMTP smarthost.
    Relay,
    /// To each recipient domain's MX hosts.
    Direct,
}

impl DeliveryMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sink => "sink",
            Self::Relay => "relay",
            Self::Direct => "direct",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DeliverySettings {
    pub mode: DeliveryMode,
    /// Concurrent delivery workers in this process.
    pub workers: usize,
    /// Recipients a worker claims at a time.
    pub batch: i64,
    /// How often an idle worker looks for due recipients, in milliseconds.
    pub poll_ms: u64,
    /// How long claimed recipients stay a worker's; after that (the worker died) another
    /// takes them. Must exceed the longest attempt.
    pub lease_secs: u64,
    /// The longest wait for any one step of an SMTP conversation (connect, each reply,
    /// the reply after DATA).
    pub timeout_secs: u64,
    /// The first retry after a 4xx or an unreachable server; doubled per attempt, with jitter.
    pub retry_base_secs: u64,
    pub retry_max_secs: u64,
    /// A recipient still refused with 4xx this long after the message was accepted bounces
    /// (Transient). SES's default and ceiling is 14 hours.
    pub max_age_secs: u64,
    /// The name given in EHLO. Default: the host of `public_url`.
    pub helo_name: Option<String>,
    /// The address Sesame's own mail (verification links, notices) comes from. Default:
    /// `no-reply@` the feedback domain, else the host of `public_url`.
    pub system_sender: Option<String>,
    pub relay: RelaySettings,
    pub direct: DirectSettings,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            mode: DeliveryMode::Sink,
            workers: 4,
            batch: 50,
            poll_ms: 200,
            lease_secs: 15 * 60,
            timeout_secs: 120,
            retry_base_secs: 60,
            retry_max_secs: 3600,
            max_age_secs: 14 * 3600,
            helo_name: None,
            system_sender: None,
            relay: RelaySettings::default(),
            direct: DirectSettings::default(),
        }
    }
}

/// How the connection to the smarthost is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RelayTls {
    /// STARTTLS, required: a smarthost that does not offer it is not used.
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain text: only for a smarthost on loopback or a private network.
    None,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RelaySettings {
    pub host: String,
    pub port: u16,
    pub tls: RelayTls,
    /// Accept any certificate (a smarthost with a self-signed one).
    pub accept_invalid_certs: bool,
    /// AUTH PLAIN/LOGIN, when both are given.
    pub username: Option<String>,
    #[serde(skip_serializing)]
    pub password: Option<SecretString>,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            host: "localhost".to_owned(),
            port: 587,
            tls: RelayTls::Starttls,
            accept_invalid_certs: false,
            username: None,
            password: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct DirectSettings {
    /// The port MX hosts are reached on (25; tests point it elsewhere).
    pub port: u16,
    /// Non-public addresses Sesame may deliver to anyway (a private relay; the tests'
    /// loopback receivers). Empty by default: only public addresses are reached.
    pub allowed_addresses: Vec<IpAddr>,
    /// Connections open to one address at a time, across this process's workers.
    pub connections_per_address: usize,
}

impl Default for DirectSettings {
    fn default() -> Self {
        Self {
            port: 25,
            allowed_addresses: Vec::new(),
            connections_per_address: 2,
        }
    }
}
