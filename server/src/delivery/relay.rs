//! `relay` mode: every message through one SMTP smarthost (STARTTLS or TLS, optional AUTH).

use std::time::Duration;

use mail_send::{Credentials, SmtpClientBuilder};
use secrecy::ExposeSecret;
use tokio_rustls::TlsConnector;

use super::{
    settings::{RelaySettings, RelayTls},
    smtp::{self, Security, Target},
    transport::{Envelope, Outcome, RecipientResult, Reply},
};

pub struct Relay {
    host: String,
    port: u16,
    security: Security,
    tls: TlsConnector,
    credentials: Option<Credentials<String>>,
    helo: String,
    timeout: Duration,
}

impl Relay {
    pub fn new(settings: &RelaySettings, helo: &str, timeout: Duration) -> anyhow::Result<Self> {
        let security = match settings.tls {
            RelayTls::Starttls => Security::RequireStarttls,
            RelayTls::Tls => Security::Implicit,
            RelayTls::None => Security::Plain,
        };
        Ok(Self {
            host: settings.host.clone(),
            port: settings.port,
            security,
            tls: tls_connector(settings.accept_invalid_certs)?,
            credentials: match (&settings.username, &settings.password) {
                (Some(user), Some(password)) => Some(Credentials::new(
                    user.clone(),
                    password.expose_secret().to_owned(),
                )),
                _ => None,
            },
            helo: helo.to_owned(),
            timeout,
        })
    }

    /// `host:port`, as attempts record it.
    pub fn describe(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    pub async fn deliver(&self, envelope: &Envelope<'_>) -> Vec<Outcome> {
        let remote = self.describe();
        let everyone = 0..envelope.recipients.len();
        let addr = match tokio::net::lookup_host((self.host.as_str(), self.port)).await {
            Ok(mut addrs) => addrs.next(),
            Err(_) => None,
        };
        let Some(addr) = addr else {
            let reply = Reply::new(451, format!("4.4.3 the relay {remote} cannot be resolved"));
            return Outcome::all(everyone, &remote, &RecipientResult::Deferred(reply));
        };
        let target = Target {
            host: &self.host,
            addr,
            security: self.security,
            tls: &self.tls,
            credentials: self.credentials.as_ref(),
            helo: &self.helo,
            timeout: self.timeout,
        };
        match smtp::send(&target, envelope.from, envelope.recipients, envelope.data).await {
            Ok(results) => results
                .into_iter()
                .enumerate()
                .map(|(recipient, result)| Outcome {
                    recipient,
                    remote_host: remote.clone(),
                    result,
                })
                .collect(),
            Err(reply) => Outcome::all(everyone, &remote, &RecipientResult::Deferred(reply)),
        }
    }
}

/// A TLS client configuration: the system's trust roots, or (for a smarthost with a
/// self-signed certificate, and for opportunistic TLS to MX hosts) none.
pub fn tls_connector(accept_invalid_certs: bool) -> anyhow::Result<TlsConnector> {
    let builder = SmtpClientBuilder::new("localhost", 25).map_err(anyhow::Error::msg)?;
    let builder = match accept_invalid_certs {
        true => builder.allow_invalid_certs(),
        false => builder,
    };
    Ok(builder.tls_connector)
}
