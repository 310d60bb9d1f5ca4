//! Feedback that comes back by mail: the listener at Sesame's bounce addresses receives
//! DSNs (RFC 3464) and complaint reports (ARF), reads them (`report`) and records their
//! bounces and complaints against the message the address names (`apply`).

mod apply;
mod inbound;
pub mod settings;

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use sqlx::PgPool;
use tokio::{io::AsyncWriteExt, net::TcpListener};

pub use settings::FeedbackSettings;

use crate::smtp::limits::Connections;

/// What every feedback connection shares.
struct Listener {
    pool: PgPool,
    domain: String,
    max_message_bytes: usize,
    timeout: Duration,
}

/// Binds the listeners when a feedback domain is configured (none otherwise).
pub async fn bind(settings: &FeedbackSettings) -> anyhow::Result<Vec<TcpListener>> {
    if settings.domain.is_none() {
        return Ok(Vec::new());
    }
    let mut listeners = Vec::new();
    for addr in &settings.listen_addrs {
        listeners.push(
            TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the feedback listener on {addr}"))?,
        );
    }
    Ok(listeners)
}

/// Serves the bound listeners in the background.
pub fn spawn(
    workers: &crate::workers::Workers,
    listeners: Vec<TcpListener>,
    settings: &FeedbackSettings,
    pool: PgPool,
) {
    let Some(domain) = settings.domain.clone() else {
        return;
    };
    let shared = Arc::new(Listener {
        pool,
        domain,
        max_message_bytes: settings.max_message_bytes,
        timeout: Duration::from_secs(settings.timeout_secs.max(1)),
    });
    // The listener faces the Internet (port 25): the same caps as submission.
    let connections = Connections::new(settings.max_connections, settings.max_connections_per_ip);
    for listener in listeners {
        if let Ok(addr) = listener.local_addr() {
            println!("Feedback listener (SMTP) on {addr}");
        }
        let shared = Arc::clone(&shared);
        let connections = Arc::clone(&connections);
        workers.listen("feedback-listener", async move {
            loop {
                let (stream, peer): (_, SocketAddr) = match listener.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        tracing::warn!(error = %e, "feedback accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let Some(slot) = connections.admit(peer.ip()) else {
                    // Refused with a word, not a silent close, so the MTA retries later.
                    let mut stream = stream;
                    let refusal =
                        stream.write_all(b"421 Too many connections, try again later\r\n");
                    let _ = tokio::time::timeout(shared.timeout, refusal).await;
                    continue;
                };
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let _slot = slot;
                    if let Err(e) = inbound::serve(shared, peer.ip(), stream).await {
                        tracing::warn!(error = %e, "feedback conversation failed");
                    }
                });
            }
        });
    }
}
