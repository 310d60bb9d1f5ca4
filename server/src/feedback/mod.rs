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
        listener::{self, Listening, Service},
    },
    workers::Workers,
};

/// How long one MTA's connection may last: reports come in a few exchanges, and a
/// connection held open by a stranger must not keep a slot of this Internet-facing listener.
const MAX_CONVERSATION: Duration = Duration::from_secs(10 * 60);

/// What every feedback conversation shares.
struct FeedbackService {
    pool: PgPool,
    domain: String,
    max_message_bytes: usize,
}

impl Service for FeedbackService {
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
    listener::bind("the feedback listener", &settings.listen_addrs).await
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
        service: Arc::new(FeedbackService {
            pool,
            domain,
            max_message_bytes: settings.max_message_bytes,
        }),
        timeout: Duration::from_secs(settings.timeout_secs.clamp(1, 3600)),
        // The listener faces the Internet (port 25): the same caps as submission.
        connections: Connections::new(settings.max_connections, settings.max_connections_per_ip),
        balancers: Networks::parse(
            "feedback.proxy_protocol_from",
            &settings.proxy_protocol_from,
        )?,
        tls: None,
        max_conversation: Some(MAX_CONVERSATION),
    });
    for socket in listeners {
        if let Ok(addr) = socket.local_addr() {
            // On stdout for whoever started the process (`./dev` reads it).
            println!("Feedback listener (SMTP) on {addr}");
        }
        listening.serve(workers, "feedback-listener", socket, false);
    }
    Ok(())
}
