//! Feedback that comes back by mail: the listener at Sesame's bounce addresses receives
//! DSNs (RFC 3464) and complaint reports (ARF), reads them (`report`) and records their
//! bounces and complaints against the message the address names (`apply`). It is a
//! service on the shared SMTP core (`crate::smtp::listener`).

mod apply;
mod inbound;
pub mod settings;

use std::{sync::Arc, time::Duration};

use sqlx::PgPool;
use tokio::net::TcpListener;

pub use settings::FeedbackSettings;

use self::inbound::Inbound;
use crate::{
    client_address::Networks,
    smtp::{
        limits::Connections,
        listener::{bind as bind_all, Listening, Service},
    },
    workers::Workers,
};

/// What every feedback conversation shares.
struct Listener {
    pool: PgPool,
    domain: String,
    max_message_bytes: usize,
}

impl Service for Listener {
    type Handler = Inbound;

    fn handler(self: &Arc<Self>) -> Inbound {
        Inbound::new(Arc::clone(self))
    }
}

/// Binds the listeners when a feedback domain is configured (none otherwise).
pub async fn bind(settings: &FeedbackSettings) -> anyhow::Result<Vec<TcpListener>> {
    if settings.domain.is_none() {
        return Ok(Vec::new());
    }
    bind_all("the feedback listener", &settings.listen_addrs).await
}

/// Serves the bound listeners in the background.
pub fn spawn(
    workers: &Workers,
    listeners: Vec<TcpListener>,
    settings: &FeedbackSettings,
    pool: PgPool,
) -> anyhow::Result<()> {
    let Some(domain) = settings.domain.clone() else {
        return Ok(());
    };
    let listening = Arc::new(Listening {
        service: Arc::new(Listener {
            pool,
            domain,
            max_message_bytes: settings.max_message_bytes,
        }),
        timeout: Duration::from_secs(settings.timeout_secs.max(1)),
        // The listener faces the Internet (port 25): the same caps as submission.
        connections: Connections::new(settings.max_connections, settings.max_connections_per_ip),
        balancers: Networks::parse(
            "feedback.proxy_protocol_from",
            &settings.proxy_protocol_from,
        )?,
        tls: None,
    });
    for listener in listeners {
        if let Ok(addr) = listener.local_addr() {
            // On stdout for whoever started the process (`./dev` reads it).
            println!("Feedback listener (SMTP) on {addr}");
        }
        listening.serve(workers, "feedback-listener", listener, false);
    }
    Ok(())
}
