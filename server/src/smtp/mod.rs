//! SES's SMTP interface for delegate senders: submission listeners with STARTTLS and with
//! TLS from the first byte, AUTH with SES SMTP credentials, and every message through the
//! same send path as the API (`app::sending::accept`).

mod credentials;
pub(crate) mod limits;
pub(crate) mod reply;
mod session;
pub mod settings;
mod submit;
pub mod tls;

use std::{net::SocketAddr, path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use app::{auth::throttle, server::AppContext, smtp::SmtpEndpoint};
use sesame_wire::proxy_protocol;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use tokio_rustls::TlsAcceptor;

pub use settings::SmtpSettings;

use self::limits::Connections;
use crate::client_address::Networks;

/// What every connection of this process shares.
struct Shared {
    context: AppContext,
    tls: TlsAcceptor,
    hostname: String,
    max_message_bytes: usize,
    timeout: Duration,
    connections: Arc<Connections>,
    /// Free AUTH attempts per key (see `app::auth::throttle`).
    auth_allowance: throttle::Allowance,
    /// Load balancers that name the client with the PROXY protocol.
    balancers: Networks,
}

/// Where the SMTP listeners are bound: submission, and the feedback listener.
#[derive(Debug, Clone, Default)]
pub struct SmtpAddrs {
    pub starttls: Vec<SocketAddr>,
    pub tls: Vec<SocketAddr>,
    pub feedback: Vec<SocketAddr>,
}

/// The bound listeners, before they serve.
pub struct Submission {
    starttls: Vec<TcpListener>,
    tls: Vec<TcpListener>,
}

impl Submission {
    pub async fn bind(settings: &SmtpSettings) -> anyhow::Result<Self> {
        async fn bind_all(addrs: &[SocketAddr]) -> anyhow::Result<Vec<TcpListener>> {
            let mut listeners = Vec::new();
            for addr in addrs {
                let listener = TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("binding SMTP on {addr}"))?;
                listeners.push(listener);
            }
            Ok(listeners)
        }
        Ok(Self {
            starttls: bind_all(&settings.starttls_addrs).await?,
            tls: bind_all(&settings.tls_addrs).await?,
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
        workers: &crate::workers::Workers,
        settings: &SmtpSettings,
        data_dir: &Path,
        hostname: &str,
        context: AppContext,
    ) -> anyhow::Result<()> {
        if self.starttls.is_empty() && self.tls.is_empty() {
            return Ok(());
        }
        let shared = Arc::new(Shared {
            context,
            tls: tls::acceptor(settings, data_dir, hostname)?,
            hostname: hostname.to_owned(),
            max_message_bytes: settings.max_message_bytes,
            timeout: Duration::from_secs(settings.timeout_secs.max(1)),
            connections: Connections::new(
                settings.max_connections,
                settings.max_connections_per_ip,
            ),
            auth_allowance: throttle::Allowance {
                per_address_and_user: settings.max_auth_failures,
                per_user: settings.max_auth_failures.saturating_mul(50),
                per_address: settings.max_auth_failures.saturating_mul(10),
            },
            balancers: Networks::parse("smtp.proxy_protocol_from", &settings.proxy_protocol_from)?,
        });
        let listeners = self
            .starttls
            .into_iter()
            .map(|l| (l, false))
            .chain(self.tls.into_iter().map(|l| (l, true)));
        for (listener, implicit_tls) in listeners {
            let addr = listener.local_addr()?;
            let kind = if implicit_tls { "TLS" } else { "STARTTLS" };
            println!("SMTP submission ({kind}) on {addr}");
            tracing::info!(%addr, kind, "SMTP submission listening");
            workers.listen(
                "smtp-listener",
                accept_loop(listener, implicit_tls, shared.clone()),
            );
        }
        Ok(())
    }
}

async fn accept_loop(listener: TcpListener, implicit_tls: bool, shared: Arc<Shared>) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(error = %e, "SMTP accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        tokio::spawn(connection(tcp, peer, implicit_tls, shared.clone()));
    }
}

async fn connection(
    mut tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    implicit_tls: bool,
    shared: Arc<Shared>,
) {
    let client = if shared.balancers.contains(peer.ip()) {
        match tokio::time::timeout(shared.timeout, proxied_client(&mut tcp)).await {
            Ok(Ok(client)) => client.unwrap_or(peer),
            Ok(Err(e)) => {
                tracing::warn!(%peer, error = %e, "SMTP connection from a load balancer without a valid PROXY header");
                return;
            }
            Err(_) => return,
        }
    } else {
        peer
    };
    let Some(_slot) = shared.connections.admit(client.ip()) else {
        if !implicit_tls {
            let refusal = tcp.write_all(b"421 Too many concurrent SMTP connections\r\n");
            let _ = tokio::time::timeout(shared.timeout, refusal).await;
        }
        return;
    };
    // Replies are small and each waits for the client: do not let Nagle hold them.
    let _ = tcp.set_nodelay(true);
    let stream: Box<dyn session::Stream> = if implicit_tls {
        match tokio::time::timeout(shared.timeout, shared.tls.accept(tcp)).await {
            Ok(Ok(tls)) => Box::new(tls),
            _ => return,
        }
    } else {
        Box::new(tcp)
    };
    session::serve(shared, client.ip(), stream, implicit_tls).await;
}

/// Reads the PROXY v2 header a load balancer sends first — exactly its bytes, none of the
/// conversation after it: the client it names, or None for the balancer's own connection.
async fn proxied_client(tcp: &mut tokio::net::TcpStream) -> anyhow::Result<Option<SocketAddr>> {
    let mut head = [0u8; proxy_protocol::PREFIX_LEN];
    tcp.read_exact(&mut head).await?;
    let prefix = proxy_protocol::prefix(&head)?;
    let mut block = vec![0u8; prefix.block_len];
    tcp.read_exact(&mut block).await?;
    Ok(proxy_protocol::source(&prefix, &block)?)
}
