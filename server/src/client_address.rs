//! The client's address behind reverse proxies. Sesame is meant to run behind a
//! TLS-terminating proxy, where every request's TCP peer is the proxy: throttles would then
//! count everyone as one client, logs would name the proxy and `aws:SourceIp` conditions
//! would see it. So the operator lists its proxies (`[http] trusted_proxies`, addresses or
//! CIDR blocks); for a request from one of them, the client is the right-most address in
//! `X-Forwarded-For` (else RFC 7239 `Forwarded: for=`) that is not itself a trusted proxy.
//! From anyone else those headers are ignored — a client cannot name its own address.
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

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// From the configured addresses and CIDR blocks.
    pub fn parse(entries: &[String]) -> anyhow::Result<Self> {
        let nets = entries
            .iter()
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "invalid configuration: http.trusted_proxies: `{entry}` is not an address or CIDR block"
                        )
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self(nets.into()))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client a request from `peer` speaks for: `peer` itself unless it is a trusted
    /// proxy that says otherwise.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_for(headers);
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

/// The addresses a request passed through, oldest first: `X-Forwarded-For` if present,
/// else the `for=` parameters of `Forwarded`. An entry that is not an address (`unknown`,
/// an obfuscated name) ends the chain there: nothing before it can be believed either.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let entries: Vec<String> = match values("x-forwarded-for") {
        listed if !listed.is_empty() => listed,
        _ => values("forwarded")
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for")
                        .then(|| value.trim_matches('"').to_owned())
                })
            })
            .collect(),
    };
    let mut chain = Vec::new();
    for entry in entries.iter().rev() {
        match parse_node(entry) {
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
        let trusted = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.0.2.7".into()]).unwrap();
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
        let trusted = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
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
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &forwarded),
            ip("2001:db8::5")
        );
        // Garbage ends the chain: nothing left of it is believed.
        let garbage = headers(&[("x-forwarded-for", "1.1.1.1, unknown, 10.0.0.3")]);
        assert_eq!(trusted.client(ip("10.0.0.1"), &garbage), ip("10.0.0.3"));
        assert_eq!(
            trusted.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
        assert!(TrustedProxies::parse(&["not-an-address".into()]).is_err());
    }
}
