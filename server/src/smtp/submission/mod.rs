//! SES's SMTP interface for delegate senders: submission listeners with STARTTLS and with
//! TLS from the first byte, AUTH with SES SMTP credentials, and every message through the
//! same send path as the API (`app::sending::accept`).

mod session;
pub mod settings;
mod submit;
pub mod tls;

use std::{path::Path, sync::Arc, time::Duration};

use app::{auth::throttle, server::AppContext, smtp::SmtpEndpoint};
use tokio::net::TcpListener;

use self::{session::Session, settings::SmtpSettings};
use super::{
    limits::Connections,
    listener::{bind, Listening, Service},
    SmtpAddrs,
};
use crate::{client_address::Networks, workers::Workers};

/// What every submission conversation of this process shares.
struct SubmissionService {
    context: AppContext,
    hostname: String,
    max_message_bytes: usize,
    /// Free AUTH attempts per key (see `app::auth::throttle`).
    auth_allowance: throttle::Allowance,
}

impl Service for SubmissionService {
    type Handler = Session;

    fn handler(self: &Arc<Self>) -> Session {
        Session::new(Arc::clone(self))
    }
}

/// The bound listeners, before they serve.
pub struct Submission {
    starttls: Vec<TcpListener>,
    tls: Vec<TcpListener>,
}

impl Submission {
    pub async fn bind(settings: &SmtpSettings) -> anyhow::Result<Self> {
        Ok(Self {
            starttls: bind("SMTP", &settings.starttls_addrs).await?,
            tls: bind("SMTP", &settings.tls_addrs).await?,
        })
    }

    pub fn addrs(&self) -> SmtpAddrs {
        let addrs = |listeners: &[TcpListener]| {
            listeners
                .iter()
                .filter_map(|l| l.local_addr().ok())
                .collect()
        };
        SmtpAddrs {
            starttls: addrs(&self.starttls),
            tls: addrs(&self.tls),
            feedback: Vec::new(),
        }
    }

    /// Where users connect, as the SMTP settings page shows it.
    pub fn endpoint(&self, hostname: &str, settings: &SmtpSettings) -> SmtpEndpoint {
        let ports = |listeners: &[TcpListener]| {
            listeners
                .iter()
                .filter_map(|l| l.local_addr().ok())
                .map(|a| a.port())
                .collect()
        };
        SmtpEndpoint {
            host: hostname.to_owned(),
            starttls_ports: ports(&self.starttls),
            tls_ports: ports(&self.tls),
            max_message_bytes: settings.max_message_bytes,
        }
    }

    /// Serves every listener in the background.
    pub fn spawn(
        self,
        workers: &Workers,
        settings: &SmtpSettings,
        data_dir: &Path,
        hostname: &str,
        context: AppContext,
    ) -> anyhow::Result<()> {
        if self.starttls.is_empty() && self.tls.is_empty() {
            return Ok(());
        }
        let listening = Arc::new(Listening {
            service: Arc::new(SubmissionService {
                context,
                hostname: hostname.to_owned(),
                max_message_bytes: settings.max_message_bytes,
                auth_allowance: throttle::Allowance {
                    per_address_and_user: settings.max_auth_failures,
                    per_user: settings.max_auth_failures.saturating_mul(50),
                    per_address: settings.max_auth_failures.saturating_mul(10),
                },
            }),
            timeout: Duration::from_secs(settings.timeout_secs.clamp(1, 3600)),
            connections: Connections::new(
                settings.max_connections,
                settings.max_connections_per_ip,
            ),
            balancers: Networks::parse("smtp.proxy_protocol_from", &settings.proxy_protocol_from)?,
            tls: Some(tls::acceptor(settings, data_dir, hostname)?),
            // Delegates' mail tools may keep a connection for a long run of messages.
            max_conversation: None,
        });
        let listeners = self
            .starttls
            .into_iter()
            .map(|l| (l, false))
            .chain(self.tls.into_iter().map(|l| (l, true)));
        for (listener, implicit_tls) in listeners {
            let addr = listener.local_addr()?;
            let kind = if implicit_tls { "TLS" } else { "STARTTLS" };
            // On stdout for whoever started the process (`./dev` reads it).
            println!("SMTP submission ({kind}) on {addr}");
            tracing::info!(%addr, kind, "SMTP submission listening");
            listening.serve(workers, "smtp-listener", listener, implicit_tls);
        }
        Ok(())
    }
}
