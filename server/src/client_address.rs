//! The client's address behind reverse proxies. Sesame is meant to run behind a
//! TLS-terminating proxy, where every request's TCP peer is the proxy: throttles would then
//! count everyone as one client, logs would name the proxy and `aws:SourceIp` conditions
//! would see it. So the operator lists its proxies (`[http] trusted_proxies`, addresses or
//! CIDR blocks) and names the one header they write (`[http] forwarded_header`:
//! `X-Forwarded-For`, or RFC 7239 `Forwarded`; never a fallback from one to the other, or
//! a client could write the one its proxy leaves alone). For a request from a trusted
//! proxy, the client is the right-most address in that header that is not itself a
//! trusted proxy; from anyone else the header is ignored — a client cannot name its own
//! address. An entry that is not an address ends the chain: nothing left of it counts.
//!
//! The layer rewrites the request's `ConnectInfo`, so everything that reads the peer
//! (sign-in throttling, `aws:SourceIp`, the request log) reads the client instead.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::HeaderMap,
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

/// Which header the trusted proxies write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    Forwarded,
}

/// Hosts named in the configuration by address or CIDR block: the reverse proxies here,
/// and the SMTP listeners' load balancers (`[smtp]` and `[feedback] proxy_protocol_from`).
#[derive(Debug, Clone, Default)]
pub struct Networks(Arc<[IpNet]>);

impl Networks {
    /// From the configured entries of `setting` (named in the error for a bad one).
    pub fn parse(setting: &str, entries: &[String]) -> anyhow::Result<Self> {
        let nets = entries
            .iter()
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "invalid configuration: {setting}: `{entry}` is not an address or CIDR block"
                        )
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self(nets.into()))
    }

    /// Whether `ip` (IPv4-mapped IPv6 as the IPv4 it carries) is one of them.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The proxies whose forwarding header is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    proxies: Networks,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// From the configured addresses and CIDR blocks.
    pub fn parse(entries: &[String], header: ForwardedHeader) -> anyhow::Result<Self> {
        Ok(Self {
            proxies: Networks::parse("http.trusted_proxies", entries)?,
            header,
        })
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.proxies.contains(ip)
    }

    /// The client a request from `peer` speaks for: `peer` itself unless it is a trusted
    /// proxy that says otherwise.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_for(headers, self.header);
        // Right to left: each trusted hop vouches for the one before it.
        chain
            .iter()
            .rev()
            .find(|ip| !self.trusts(**ip))
            .or(chain.first())
            .copied()
            .unwrap_or(peer)
    }
}

/// IPv4-mapped IPv6 addresses as the IPv4 address they carry.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The addresses a request passed through, oldest first, from `header` (every line of
/// it, in order). Read as bytes: a line that is not text is not dropped whole (a proxy
/// appends its entry to the client's line); the chain ends at the right-most entry that is
/// not an address, or — in `Forwarded` — at an element without `for=`.
fn forwarded_for(headers: &HeaderMap, header: ForwardedHeader) -> Vec<IpAddr> {
    let name = match header {
        ForwardedHeader::XForwardedFor => "x-forwarded-for",
        ForwardedHeader::Forwarded => "forwarded",
    };
    let entries: Vec<String> = headers
        .get_all(name)
        .iter()
        .flat_map(|v| v.as_bytes().split(|&b| b == b','))
        .map(|entry| String::from_utf8_lossy(entry).trim().to_owned())
        .collect();
    let node = |entry: &str| -> Option<IpAddr> {
        match header {
            ForwardedHeader::XForwardedFor => parse_node(entry),
            ForwardedHeader::Forwarded => entry.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for")
                    .then(|| parse_node(value.trim_matches('"')))
                    .flatten()
            }),
        }
    };
    let mut chain = Vec::new();
    for entry in entries.iter().rev() {
        match node(entry) {
            Some(ip) => chain.push(canonical(ip)),
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(ip, _)| ip.parse().ok())
}

/// The middleware: replaces the peer in `ConnectInfo` with the client it speaks for.
pub async fn resolve(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let client = trusted.client(peer.ip(), request.headers());
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, 0)));
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let trusted = TrustedProxies::parse(
            &["10.0.0.0/8".into(), "192.0.2.7".into()],
            ForwardedHeader::XForwardedFor,
        )
        .unwrap();
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.9")]);
        // From a proxy: the client it names.
        assert_eq!(
            trusted.client(ip("10.1.2.3"), &forwarded),
            ip("203.0.113.9")
        );
        assert_eq!(
            trusted.client(ip("::ffff:192.0.2.7"), &forwarded),
            ip("203.0.113.9")
        );
        // From anyone else: the header is the client's own claim, ignored.
        assert_eq!(
            trusted.client(ip("198.51.100.1"), &forwarded),
            ip("198.51.100.1")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.1.2.3"), &forwarded),
            ip("10.1.2.3")
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let trusted =
            TrustedProxies::parse(&["10.0.0.0/8".into()], ForwardedHeader::XForwardedFor).unwrap();
        // A client that sends its own X-Forwarded-For gets it prepended to: the proxies'
        // entries are on the right.
        let spoofed = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &spoofed), ip("203.0.113.9"));
        let two_headers = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &two_headers),
            ip("203.0.113.9")
        );
        let forwarded = headers(&[(
            "forwarded",
            r#"for=1.1.1.1, for="[2001:db8::5]:4711";proto=https"#,
        )]);
        // Only the configured header counts: a client's own Forwarded is no fallback.
        assert_eq!(trusted.client(ip("10.0.0.1"), &forwarded), ip("10.0.0.1"));
        let rfc7239 =
            TrustedProxies::parse(&["10.0.0.0/8".into()], ForwardedHeader::Forwarded).unwrap();
        assert_eq!(
            rfc7239.client(ip("10.0.0.1"), &forwarded),
            ip("2001:db8::5")
        );
        let no_for = headers(&[("forwarded", "for=1.1.1.1, proto=https;by=10.0.0.9")]);
        assert_eq!(rfc7239.client(ip("10.0.0.1"), &no_for), ip("10.0.0.1"));
        // Garbage ends the chain: nothing left of it is believed.
        let garbage = headers(&[("x-forwarded-for", "1.1.1.1, unknown, 10.0.0.3")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &garbage), ip("10.0.0.3"));
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert!(
            TrustedProxies::parse(&["not-an-address".into()], ForwardedHeader::Forwarded).is_err()
        );
    }
}
