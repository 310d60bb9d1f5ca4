//! The development zone: a small authoritative DNS server (UDP and TCP, on a loopback port)
//! answering TXT queries from the `dev_zone_record` table, so a domain can be verified end to
//! end on one machine. The verifier still asks it over the DNS protocol; nothing is
//! short-circuited. Messages are parsed and built with hickory-proto. It answers only for
//! the names it may vouch for (`DevZoneScope`); any other query is REFUSED, so pointing a
//! resolver at it can never make a real domain look verified.

use std::net::SocketAddr;

use anyhow::Context;
use app::identities::dev_zone::DevZoneScope;
use hickory_proto::{
    op::{Edns, Message, MessageType, OpCode, ResponseCode},
    rr::{rdata::TXT, RData, Record, RecordType},
    serialize::binary::{BinDecodable, BinEncodable},
};
use sqlx::PgPool;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream, UdpSocket},
};

/// TTL of every answer: short, so changes show quickly.
const TTL: u32 = 30;
/// The classic UDP limit for clients that do not announce a larger one with EDNS.
const PLAIN_UDP_LIMIT: usize = 512;

/// A bound, not yet serving, development zone.
pub struct DevZone {
    udp: UdpSocket,
    tcp: TcpListener,
    scope: DevZoneScope,
}

impl DevZone {
    /// Binds UDP and TCP on `addr` (port 0: the same free port for both).
    pub async fn bind(addr: SocketAddr, scope: DevZoneScope) -> anyhow::Result<Self> {
        let udp = UdpSocket::bind(addr)
            .await
            .with_context(|| format!("binding the dev zone on udp {addr}"))?;
        let bound = udp.local_addr()?;
        let tcp = TcpListener::bind(bound)
            .await
            .with_context(|| format!("binding the dev zone on tcp {bound}"))?;
        Ok(Self { udp, tcp, scope })
    }

    pub fn scope(&self) -> &DevZoneScope {
        &self.scope
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.udp
            .local_addr()
            .expect("a bound socket has an address")
    }

    /// Serves until the process stops.
    pub fn spawn(self, workers: &crate::workers::Workers, pool: PgPool) {
        let zone = Zone {
            pool,
            scope: self.scope,
        };
        workers.listen("dev-zone-udp", serve_udp(self.udp, zone.clone()));
        workers.listen("dev-zone-tcp", serve_tcp(self.tcp, zone));
    }
}

/// What answering needs: the records, and the names they may be given for.
#[derive(Clone)]
struct Zone {
    pool: PgPool,
    scope: DevZoneScope,
}

async fn serve_udp(socket: UdpSocket, zone: Zone) {
    let mut buf = vec![0u8; 4096];
    loop {
        let Ok((len, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        if let Some(reply) = answer(&zone, &buf[..len], Transport::Udp).await {
            socket.send_to(&reply, peer).await.ok();
        }
    }
}

async fn serve_tcp(listener: TcpListener, zone: Zone) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let zone = zone.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                serve_connection(stream, zone),
            )
            .await;
        });
    }
}

/// DNS over TCP: each message is preceded by its length (two bytes, big-endian).
async fn serve_connection(mut stream: TcpStream, zone: Zone) -> std::io::Result<()> {
    loop {
        let len = stream.read_u16().await? as usize;
        let mut request = vec![0u8; len];
        stream.read_exact(&mut request).await?;
        if let Some(reply) = answer(&zone, &request, Transport::Tcp).await {
            stream.write_u16(reply.len() as u16).await?;
            stream.write_all(&reply).await?;
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Transport {
    Udp,
    Tcp,
}

/// The reply to one query message; None for garbage (dropped, as servers do).
async fn answer(zone: &Zone, request: &[u8], transport: Transport) -> Option<Vec<u8>> {
    let request = Message::from_bytes(request).ok()?;
    let mut reply = Message::new();
    reply
        .set_id(request.id())
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_authoritative(true)
        .set_recursion_desired(request.recursion_desired())
        .set_recursion_available(false);
    reply.add_queries(request.queries().iter().cloned());
    if let Some(edns) = request.extensions() {
        let mut ours = Edns::new();
        ours.set_max_payload(edns.max_payload().max(PLAIN_UDP_LIMIT as u16));
        reply.set_edns(ours);
    }
    let Some(query) = request.queries().first() else {
        reply.set_response_code(ResponseCode::FormErr);
        return reply.to_bytes().ok();
    };
    let name = query.name().to_lowercase().to_ascii();
    let name = name.trim_end_matches('.');
    if !zone.scope.covers(name) {
        reply.set_response_code(ResponseCode::Refused);
        return reply.to_bytes().ok();
    }
    let pool = &zone.pool;
    let values = match query.query_type() {
        RecordType::TXT => app::identities::db::dev_zone_txt(pool, name).await,
        _ => Ok(Vec::new()),
    };
    let exists = app::identities::db::dev_zone_has_name(pool, name).await;
    match (values, exists) {
        (Ok(values), Ok(exists)) => {
            for value in values {
                let record = Record::from_rdata(
                    query.name().clone(),
                    TTL,
                    RData::TXT(TXT::new(split_strings(&value))),
                );
                reply.add_answer(record);
            }
            if !exists {
                reply.set_response_code(ResponseCode::NXDomain);
            }
        }
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(error = %e, "dev zone lookup failed");
            reply.set_response_code(ResponseCode::ServFail);
        }
    }
    let bytes = reply.to_bytes().ok()?;
    let limit = request
        .extensions()
        .as_ref()
        .map_or(PLAIN_UDP_LIMIT, |e| e.max_payload().max(512) as usize);
    if transport == Transport::Udp && bytes.len() > limit {
        // Too big for this client over UDP: say so, and it retries over TCP.
        reply.take_answers();
        reply.set_truncated(true);
        return reply.to_bytes().ok();
    }
    Some(bytes)
}

/// TXT character-strings hold at most 255 bytes; longer values (DKIM keys) are split, and
/// readers join them back.
fn split_strings(value: &str) -> Vec<String> {
    value
        .as_bytes()
        .chunks(255)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_split_into_255_byte_strings() {
        let value = "p=".to_owned() + &"A".repeat(600);
        let parts = split_strings(&value);
        assert_eq!(
            parts.iter().map(String::len).collect::<Vec<_>>(),
            vec![255, 255, 92]
        );
        assert_eq!(parts.concat(), value);
    }
}
