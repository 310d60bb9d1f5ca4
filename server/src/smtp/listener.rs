//! What every SMTP listener of Sesame does before a conversation begins: accept, read the
//! client's address from a load balancer's PROXY header, hold a connection slot under the
//! caps, shake hands for TLS from the first byte, and hand the connection to the listener's
//! `Handler` (`conversation`).

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use sesame_wire::proxy_protocol;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use tokio_rustls::TlsAcceptor;

use super::{
    conversation::{self, Conversation, Handler, Stream},
    limits::Connections,
    reply::Reply,
};
use crate::{client_address::Networks, workers::Workers};

/// Makes the handler of each new conversation.
pub trait Service: Send + Sync + 'static {
    type Handler: Handler + 'static;

    fn handler(self: &Arc<Self>) -> Self::Handler;
}

/// What one kind of listener (submission, feedback) shares across its sockets.
pub struct Listening<S> {
    pub service: Arc<S>,
    /// How long any one line, write or handshake may take.
    pub timeout: Duration,
    pub connections: Arc<Connections>,
    /// Load balancers that name the client with the PROXY protocol (v2).
    pub balancers: Networks,
    /// The certificate for STARTTLS and for TLS from the first byte; None: plain text only.
    pub tls: Option<TlsAcceptor>,
    /// How long one connection may last in all (None: as long as it keeps moving).
    pub max_conversation: Option<Duration>,
}

/// Binds every address, or says which one could not be bound.
pub async fn bind(what: &str, addrs: &[SocketAddr]) -> anyhow::Result<Vec<TcpListener>> {
    let mut listeners = Vec::new();
    for addr in addrs {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {what} on {addr}"))?;
        listeners.push(listener);
    }
    Ok(listeners)
}

impl<S: Service> Listening<S> {
    /// Serves `listener` in the background until the workers stop; `implicit_tls`: TLS
    /// from the first byte (submission's port 465).
    pub fn serve(
        self: &Arc<Self>,
        workers: &Workers,
        name: &'static str,
        listener: TcpListener,
        implicit_tls: bool,
    ) {
        let listening = Arc::clone(self);
        workers.listen(name, async move {
            loop {
                match listener.accept().await {
                    Ok((tcp, peer)) => {
                        tokio::spawn(Arc::clone(&listening).connection(tcp, peer, implicit_tls));
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: wait rather than spin.
                        tracing::warn!(error = %e, "SMTP accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        });
    }

    async fn connection(self: Arc<Self>, mut tcp: TcpStream, peer: SocketAddr, implicit_tls: bool) {
        let client = if self.balancers.contains(peer.ip()) {
            match tokio::time::timeout(self.timeout, proxied_client(&mut tcp)).await {
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
        let Some(_slot) = self.connections.admit(client.ip()) else {
            // Refused with a word, not a silent close, so that a client retries later
            // (under TLS from the first byte there is no way to say it before a handshake).
            if !implicit_tls {
                let refusal = Reply::new(421, "Too many concurrent SMTP connections").to_string();
                let write = tcp.write_all(refusal.as_bytes());
                let _ = tokio::time::timeout(self.timeout, write).await;
            }
            return;
        };
        // Replies are small and each waits for the client: do not let Nagle hold them.
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = match (&self.tls, implicit_tls) {
            (Some(tls), true) => match tokio::time::timeout(self.timeout, tls.accept(tcp)).await {
                Ok(Ok(tls)) => Box::new(tls),
                _ => return,
            },
            (None, true) => return,
            (_, false) => Box::new(tcp),
        };
        let conversation = Conversation::new(
            stream,
            client.ip(),
            implicit_tls,
            self.tls.clone(),
            self.timeout,
        );
        let mut handler = self.service.handler();
        let conversation = conversation::run(conversation, &mut handler);
        match self.max_conversation {
            Some(limit) => {
                let _ = tokio::time::timeout(limit, conversation).await;
            }
            None => conversation.await,
        }
    }
}

/// Reads the PROXY v2 header a load balancer sends first — exactly its bytes, none of the
/// conversation after it: the client it names, or None for the balancer's own connection.
async fn proxied_client(tcp: &mut TcpStream) -> anyhow::Result<Option<SocketAddr>> {
    let mut head = [0u8; proxy_protocol::PREFIX_LEN];
    tcp.read_exact(&mut head).await?;
    let prefix = proxy_protocol::prefix(&head)?;
    let mut block = vec![0u8; prefix.block_len];
    tcp.read_exact(&mut block).await?;
    Ok(proxy_protocol::source(&prefix, &block)?)
}
