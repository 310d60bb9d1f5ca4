//! The PROXY protocol, version 2 (HAProxy's binary form), as a TCP load balancer sends it
//! in front of the SMTP listeners: a 16-byte prefix, then an address block naming the
//! client it connected for. Read only from the balancers the operator lists, so a client
//! can never claim an address; version 1 (text) is not accepted.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The fixed prefix: the signature, version and command, family and transport, length.
pub const PREFIX_LEN: usize = 16;

const SIGNATURE: [u8; 12] = *b"\r\n\r\n\0\r\nQUIT\n";

/// The longest address block accepted: a UNIX pair (216 bytes) with room for the TLVs a
/// balancer adds (a TLS or cloud endpoint id). More is refused, not read.
pub const MAX_BLOCK_LEN: usize = 536;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error("not a PROXY protocol v2 header")]
    NotProxy,
    #[error("unsupported PROXY protocol version or command")]
    Unsupported,
    #[error("a PROXY protocol address block longer than {MAX_BLOCK_LEN} bytes")]
    TooLong,
    #[error("a PROXY protocol address block too short for its family")]
    Truncated,
}

/// What the prefix says follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    /// PROXY (a client's connection) rather than LOCAL (the balancer's own, a health check).
    proxied: bool,
    family: u8,
    /// The address block's length: read exactly this many bytes next.
    pub block_len: usize,
}

/// Reads the 16-byte prefix.
pub fn prefix(bytes: &[u8; PREFIX_LEN]) -> Result<Prefix, ProxyError> {
    if bytes[..12] != SIGNATURE {
        return Err(ProxyError::NotProxy);
    }
    let (version, command) = (bytes[12] >> 4, bytes[12] & 0x0f);
    if version != 2 || command > 1 {
        return Err(ProxyError::Unsupported);
    }
    let block_len = usize::from(u16::from_be_bytes([bytes[14], bytes[15]]));
    if block_len > MAX_BLOCK_LEN {
        return Err(ProxyError::TooLong);
    }
    Ok(Prefix {
        proxied: command == 1,
        family: bytes[13],
        block_len,
    })
}

/// The client the balancer connected for: None for its own connections (LOCAL) and for
/// families without an IP address (UNIX, UNSPEC) — the peer's address stands then.
pub fn source(prefix: &Prefix, block: &[u8]) -> Result<Option<SocketAddr>, ProxyError> {
    if block.len() != prefix.block_len {
        return Err(ProxyError::Truncated);
    }
    if !prefix.proxied {
        return Ok(None);
    }
    // High nibble: AF_INET (1) or AF_INET6 (2); low nibble: the transport (STREAM = 1).
    let port = |at: usize| u16::from_be_bytes([block[at], block[at + 1]]);
    match prefix.family >> 4 {
        1 if block.len() >= 12 => {
            let ip = Ipv4Addr::new(block[0], block[1], block[2], block[3]);
            Ok(Some(SocketAddr::new(IpAddr::V4(ip), port(8))))
        }
        2 if block.len() >= 36 => {
            let mut octets = [0u8; 16];
            octets.copy_from_slice(&block[..16]);
            Ok(Some(SocketAddr::new(
                IpAddr::V6(Ipv6Addr::from(octets)),
                port(32),
            )))
        }
        1 | 2 => Err(ProxyError::Truncated),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(command: u8, family: u8, block: &[u8]) -> ([u8; PREFIX_LEN], Vec<u8>) {
        let mut prefix = [0u8; PREFIX_LEN];
        prefix[..12].copy_from_slice(&SIGNATURE);
        prefix[12] = 0x20 | command;
        prefix[13] = family;
        prefix[14..].copy_from_slice(&(block.len() as u16).to_be_bytes());
        (prefix, block.to_vec())
    }

    #[test]
    fn an_ipv4_client_is_read_from_the_block() {
        let block = [203, 0, 113, 7, 10, 0, 0, 1, 0xd4, 0x31, 0, 25];
        let (bytes, block) = header(1, 0x11, &block);
        let prefix = prefix(&bytes).unwrap();
        assert_eq!(
            source(&prefix, &block).unwrap(),
            Some("203.0.113.7:54321".parse().unwrap())
        );
    }

    #[test]
    fn an_ipv6_client_and_trailing_tlvs() {
        let mut block = vec![0x20, 0x01, 0x0d, 0xb8];
        block.extend([0; 11]);
        block.push(9);
        block.extend([0; 16]);
        block.extend([0x30, 0x39, 0, 25]);
        block.extend([0x04, 0, 1, 0xff]); // a NOOP TLV
        let (bytes, block) = header(1, 0x21, &block);
        let prefix = prefix(&bytes).unwrap();
        assert_eq!(
            source(&prefix, &block).unwrap(),
            Some("[2001:db8::9]:12345".parse().unwrap())
        );
    }

    #[test]
    fn local_connections_and_odd_families_keep_the_peer() {
        let (bytes, block) = header(0, 0x11, &[0; 12]);
        assert_eq!(source(&prefix(&bytes).unwrap(), &block).unwrap(), None);
        let (bytes, block) = header(1, 0x31, &[0; 216]);
        assert_eq!(source(&prefix(&bytes).unwrap(), &block).unwrap(), None);
    }

    #[test]
    fn anything_else_is_refused() {
        let (bytes, _) = header(1, 0x11, &[0; 4]);
        assert_eq!(
            source(&prefix(&bytes).unwrap(), &[0; 4]),
            Err(ProxyError::Truncated)
        );
        let mut v1 = [0u8; PREFIX_LEN];
        v1.copy_from_slice(b"PROXY TCP4 1.2.3");
        assert_eq!(prefix(&v1), Err(ProxyError::NotProxy));
        let (mut bytes, _) = header(1, 0x11, &[0; 12]);
        bytes[12] = 0x12;
        assert_eq!(prefix(&bytes), Err(ProxyError::Unsupported));
        bytes[12] = 0x21;
        bytes[14..].copy_from_slice(&600u16.to_be_bytes());
        assert_eq!(prefix(&bytes), Err(ProxyError::TooLong));
    }
}
