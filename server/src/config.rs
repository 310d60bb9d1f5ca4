//! Typed settings, loaded once at startup.
//!
//! Layers, later wins: built-in defaults → the TOML config file (`--config`, default
//! `sesame.toml` if present) → `SESAME_*` environment variables → command-line flags.
//! `DATABASE_URL` is also honoured without the prefix because every Postgres tool uses it.
//! Handlers never read the environment; they get a `Settings` (or a part of it).

use std::{net::SocketAddr, path::PathBuf};

use figment::{
    providers::{Env, Format, Serialized, Toml},
    Figment,
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Everything an instance of Sesame needs to know about its environment.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// Address of the web UI, server functions and (later) the SES-compatible API.
    pub http_addr: SocketAddr,
    /// The URL users reach Sesame at. Decides cookie security (`https` → `Secure` and the
    /// `__Host-` prefix) and the origin that state-changing browser requests must come from.
    /// Defaults to `http://<http_addr>`.
    pub public_url: Option<String>,
    /// Where Sesame keeps its state: the embedded Postgres cluster and the master key.
    pub data_dir: PathBuf,
    /// An external Postgres database. When set, no embedded cluster is started.
    pub database_url: Option<SecretString>,
    /// The regions this deployment serves; the first is the default.
    pub regions: Vec<String>,
    /// The directory cargo-leptos builds the site into (JS, wasm, CSS, public assets).
    pub site_root: PathBuf,
    /// Session lifetimes, in seconds (ASVS: 30 minutes idle, 12 hours absolute).
    pub session: SessionSettings,
    /// The key that encrypts stored secrets: 32 bytes, base64. Without it, one is generated
    /// into `<data_dir>/master.key`. Several processes sharing a database need the same key.
    pub master_key: Option<SecretString>,
    /// An operator to create at startup if none with this email exists (for deployments
    /// configured as code; `sesame admin create-operator` is the interactive way).
    pub bootstrap_operator: Option<BootstrapOperator>,
    pub dns: DnsSettings,
    pub verification: VerificationSettings,
    pub http: HttpSettings,
    pub api: ApiSettings,
    pub delivery: crate::delivery::DeliverySettings,
    pub smtp: crate::smtp::SmtpSettings,
    pub webhooks: crate::notifications::WebhookSettings,
    pub feedback: crate::feedback::FeedbackSettings,
    pub reputation: crate::workers::reputation::ReputationSettings,
    /// The price list billing statements use.
    pub billing: app::billing::prices::PriceList,
    pub retention: RetentionSettings,
}

/// How long records are kept.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(default)]
pub struct RetentionSettings {
    /// Audit entries older than this many days are deleted (a year and a month by
    /// default: long enough for a yearly review).
    pub audit_days: u32,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self { audit_days: 400 }
    }
}

/// The HTTP server in front of everything.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Reverse proxies (addresses or CIDR blocks) whose forwarding header names the client
    /// (`client_address`). None by default.
    pub trusted_proxies: Vec<String>,
    /// The header they write: `x-forwarded-for` (the default) or `forwarded` (RFC 7239).
    pub forwarded_header: crate::client_address::ForwardedHeader,
    /// Requests handled at once; more are answered 503 at once instead of queueing.
    pub max_concurrent_requests: usize,
    /// How long a request's head (request line and headers) may take to arrive, seconds.
    pub header_timeout_secs: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            forwarded_header: Default::default(),
            max_concurrent_requests: 1024,
            header_timeout_secs: 10,
        }
    }
}

/// The SES-compatible API.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(default)]
pub struct ApiSettings {
    /// How far (seconds) a request's SigV4 signing time may be from the server's clock;
    /// SES allows five minutes.
    pub clock_skew_secs: i64,
    /// How long a signing key once looked up is remembered (milliseconds; 0: never). A
    /// key or user change made in another Sesame process takes effect within this time.
    pub key_cache_ms: u64,
    /// Request bodies all requests of this process — API, pages and server functions —
    /// may hold at once (bytes).
    pub max_in_flight_bytes: usize,
    /// The longest one request body may take to arrive (seconds).
    pub body_timeout_secs: u64,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            clock_skew_secs: 300,
            key_cache_ms: 1000,
            max_in_flight_bytes: 256 * 1024 * 1024,
            body_timeout_secs: 30,
        }
    }
}

/// Where verification asks DNS, and the development zone.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DnsSettings {
    /// Nameservers to ask (`ip:port`); empty: the system's resolver configuration.
    pub nameservers: Vec<SocketAddr>,
    /// Run the built-in development zone (an authoritative DNS server for test domains).
    /// Off by default: it vouches for names without their real DNS.
    pub dev_zone: bool,
    /// Its address (UDP and TCP); port 0 picks a free one.
    pub dev_zone_addr: SocketAddr,
    /// Zones the development zone may vouch for besides the reserved test names
    /// (`.test`, `.example`, `.invalid`, `.localhost`, `example.com/.net/.org`).
    pub dev_zone_names: Vec<String>,
}

impl Default for DnsSettings {
    fn default() -> Self {
        Self {
            nameservers: Vec::new(),
            dev_zone: false,
            dev_zone_addr: SocketAddr::from(([127, 0, 0, 1], 10053)),
            dev_zone_names: Vec::new(),
        }
    }
}

/// Timing of domain verification, in seconds (SES: 72 hours to verify).
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
pub struct VerificationSettings {
    /// Pending this long without a record → Failed.
    pub window_secs: u64,
    /// A verified domain whose records vanished keeps sending this long (TemporaryFailure).
    pub grace_secs: u64,
    /// Pending and troubled domains are checked this often.
    pub retry_secs: u64,
    /// Verified domains are re-checked this often.
    pub recheck_secs: u64,
    /// How often the worker looks for due checks.
    pub poll_secs: u64,
}

impl Default for VerificationSettings {
    fn default() -> Self {
        Self {
            window_secs: 72 * 3600,
            grace_secs: 72 * 3600,
            retry_secs: 60,
            recheck_secs: 6 * 3600,
            poll_secs: 5,
        }
    }
}

/// `[bootstrap_operator] email = "…", password = "…"` (or `SESAME_BOOTSTRAP_OPERATOR__EMAIL`
/// and `__PASSWORD`).
#[derive(Debug, Clone, Deserialize)]
pub struct BootstrapOperator {
    pub email: String,
    pub password: SecretString,
}

/// Lifetimes of a signed-in browser session.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
pub struct SessionSettings {
    pub idle_timeout_secs: u64,
    pub absolute_timeout_secs: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 30 * 60,
            absolute_timeout_secs: 12 * 60 * 60,
        }
    }
}

/// The defaults, as a serializable layer (secrets have no defaults and so are absent here).
#[derive(Serialize)]
struct Defaults {
    http_addr: SocketAddr,
    data_dir: PathBuf,
    regions: Vec<String>,
    site_root: PathBuf,
    session: SessionSettings,
    dns: DnsSettings,
    verification: VerificationSettings,
    http: HttpSettings,
    api: ApiSettings,
    delivery: crate::delivery::DeliverySettings,
    smtp: crate::smtp::SmtpSettings,
    webhooks: crate::notifications::WebhookSettings,
    feedback: crate::feedback::FeedbackSettings,
    reputation: crate::workers::reputation::ReputationSettings,
    billing: app::billing::prices::PriceList,
    retention: RetentionSettings,
}

impl Default for Defaults {
    fn default() -> Self {
        Self {
            http_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("data"),
            regions: vec!["us-east-1".to_owned()],
            site_root: PathBuf::from("target/site"),
            session: SessionSettings::default(),
            dns: DnsSettings::default(),
            verification: VerificationSettings::default(),
            http: HttpSettings::default(),
            api: ApiSettings::default(),
            delivery: crate::delivery::DeliverySettings::default(),
            smtp: crate::smtp::SmtpSettings::default(),
            webhooks: crate::notifications::WebhookSettings::default(),
            feedback: crate::feedback::FeedbackSettings::default(),
            reputation: crate::workers::reputation::ReputationSettings::default(),
            billing: app::billing::prices::PriceList::default(),
            retention: RetentionSettings::default(),
        }
    }
}

/// Values given as command-line flags; only those present override the other layers.
#[derive(Debug, Default, Clone, Serialize, clap::Args)]
pub struct Overrides {
    /// Config file (TOML). Default: ./sesame.toml when it exists.
    #[arg(long, global = true, env = "SESAME_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to serve HTTP on, e.g. 127.0.0.1:3000 (port 0 picks a free port).
    #[arg(long, global = true, env = "SESAME_HTTP_ADDR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_addr: Option<SocketAddr>,
    /// Public URL of this instance, e.g. https://mail.example.com.
    #[arg(long, global = true, env = "SESAME_PUBLIC_URL")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Data directory (embedded Postgres cluster, master key). Default: ./data.
    #[arg(long, global = true, env = "SESAME_DATA_DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// Use this Postgres database instead of starting the embedded cluster.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    /// Loads the settings from every layer; fails with a message naming the bad value.
    pub fn load(overrides: &Overrides) -> anyhow::Result<Self> {
        let file = overrides
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("sesame.toml"));
        if overrides.config.is_some() && !file.exists() {
            anyhow::bail!("config file {} does not exist", file.display());
        }
        let settings: Settings = Figment::new()
            .merge(Serialized::defaults(Defaults::default()))
            .merge(Toml::file(&file))
            .merge(Env::prefixed("SESAME_").split("__"))
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        if settings.regions.is_empty() {
            anyhow::bail!("invalid configuration: `regions` must name at least one region");
        }
        if settings.retention.audit_days == 0 {
            anyhow::bail!("invalid configuration: `retention.audit_days` must be at least 1");
        }
        Ok(settings)
    }

    /// The names the development DNS zone may vouch for.
    pub fn dev_zone_scope(&self) -> anyhow::Result<app::identities::dev_zone::DevZoneScope> {
        app::identities::dev_zone::DevZoneScope::new(&self.dns.dev_zone_names)
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))
    }

    /// The origin browsers see, e.g. `http://127.0.0.1:3000`, without a trailing slash.
    pub fn public_origin(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{bound}"),
        }
    }
}
