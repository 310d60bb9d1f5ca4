//! The SSRF guard for webhook URLs. A tenant chooses the URL and Sesame calls it from
//! inside the operator's network, so a URL must not reach loopback, private, link-local,
//! metadata or otherwise internal addresses — however it is spelled (decimal or octal IPv4,
//! IPv4-mapped or NAT64 IPv6, a name resolving there). The name is resolved once, every
//! answer is checked, and the call is pinned to the checked address (no second lookup for
//! a rebinding DNS server to answer differently); redirects are never followed.

use std::{
    future::Future,
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use reqwest::Url;

/// What the operator allows.
#[derive(Debug, Clone)]
pub struct WebhookPolicy {
    /// Plain-http URLs (off by default: payloads and signatures travel in the clear).
    pub allow_http: bool,
    /// Ports a URL may name.
    pub allowed_ports: Arc<[u16]>,
    /// Addresses exempt from the checks, for receivers inside the operator's own network
    /// (and the tests' loopback receiver). Empty by default.
    pub allowed_addresses: Arc<[IpAddr]>,
    /// The longest wait for an answer.
    pub timeout: Duration,
}

/// A URL that passed, and the one address it will be called at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedUrl {
    pub url: Url,
    pub host: String,
    pub addr: SocketAddr,
}

/// Name resolution, injectable so tests can answer with any address.
pub trait Resolve {
    fn resolve(&self, host: &str) -> impl Future<Output = Result<Vec<IpAddr>, String>> + Send;
}

impl Resolve for crate::identities::dns::DnsLookup {
    async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
        self.addresses(host).await.map_err(|e| e.reason)
    }
}

/// Whether `ip` is an ordinary address on the public Internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        // 100.64.0.0/10 carrier-grade NAT; 198.18.0.0/15 benchmarking.
        || (a == 100 && (64..128).contains(&b))
        || (a == 198 && (18..20).contains(&b))
        // 192.0.0.0/24 protocol assignments; 192.88.99.0/24 the old 6to4 relays.
        || (a == 192 && b == 0 && c == 0)
        || (a == 192 && b == 88 && c == 99))
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    // Addresses that carry an IPv4 address are judged by it.
    let embedded_v4 = |high: usize| {
        let [a, b] = segments[high].to_be_bytes();
        let [c, d] = segments[high + 1].to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    match segments {
        // ::/96 (IPv4-compatible, including :: and ::1).
        [0, 0, 0, 0, 0, 0, _, _] => false,
        // 64:ff9b::/96 NAT64, and ::ffff:0:a.b.c.d (IPv4-translated): the IPv4 decides.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => {
            is_public_v4(embedded_v4(6))
        }
        // 64:ff9b:1::/48, NAT64 for local use (RFC 8215): reaches whatever the operator's
        // translator reaches.
        [0x64, 0xff9b, 1, ..] => false,
        // 2002::/16 6to4: the IPv4 address follows the prefix.
        [0x2002, ..] => is_public_v4(embedded_v4(1)),
        // 2001::/32 Teredo, 2001:db8::/32 documentation, 100::/64 discard.
        [0x2001, 0, ..] | [0x2001, 0xdb8, ..] | [0x100, 0, 0, 0, ..] => false,
        // fc00::/7 unique local (fd00:ec2::254, the EC2 metadata service, is one),
        // fe80::/10 link-local, fec0::/10 the old site-local, ff00::/8 multicast.
        [first, ..]
            if first & 0xfe00 == 0xfc00
                || first & 0xffc0 == 0xfe80
                || first & 0xffc0 == 0xfec0
                || first & 0xff00 == 0xff00 =>
        {
            false
        }
        _ => true,
    }
}

/// Checks `url` and resolves its host once; Err says why it is refused.
pub async fn check(
    policy: &WebhookPolicy,
    dns: &impl Resolve,
    url: &str,
) -> Result<CheckedUrl, String> {
    let parsed = Url::parse(url.trim()).map_err(|e| format!("The URL is not valid: {e}."))?;
    match parsed.scheme() {
        "https" => {}
        "http" if policy.allow_http => {}
        "http" => return Err("Webhook URLs must use https.".to_owned()),
        other => return Err(format!("Webhook URLs must use https, not {other}.")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("Webhook URLs may not carry a user name or password.".to_owned());
    }
    let port = parsed
        .port_or_known_default()
        .ok_or_else(|| "The URL has no port.".to_owned())?;
    let (host, candidates) = match parsed.host() {
        Some(url::Host::Ipv4(v4)) => (v4.to_string(), vec![IpAddr::V4(v4)]),
        Some(url::Host::Ipv6(v6)) => (v6.to_string(), vec![IpAddr::V6(v6)]),
        Some(url::Host::Domain(name)) => {
            let answers = dns
                .resolve(name)
                .await
                .map_err(|e| format!("{name} could not be resolved: {e}"))?;
            (name.to_owned(), answers)
        }
        None => return Err("The URL has no host.".to_owned()),
    };
    if candidates.is_empty() {
        return Err(format!("{host} has no address."));
    }
    // Every answer must pass: a name with one public and one internal address could be
    // answered either way by the connection.
    for ip in &candidates {
        let exempt = policy.allowed_addresses.contains(ip);
        if !exempt && !is_public(*ip) {
            return Err(format!(
                "{host} resolves to {ip}, an address webhooks may not reach."
            ));
        }
        if !exempt && !policy.allowed_ports.contains(&port) {
            return Err(format!("Port {port} is not allowed for webhooks."));
        }
    }
    Ok(CheckedUrl {
        addr: SocketAddr::new(candidates[0], port),
        host,
        url: parsed,
    })
}

#[cfg(test)]
mod tests {
    use std::{collections::HashMap, sync::Mutex};

    use super::*;

    /// Answers from a table; a name listed twice answers the second list from then on
    /// (a rebinding DNS server).
    struct FakeDns {
        answers: Mutex<HashMap<String, Vec<Vec<IpAddr>>>>,
    }

    impl FakeDns {
        fn new(entries: &[(&str, &[&str])]) -> Self {
            let mut answers: HashMap<String, Vec<Vec<IpAddr>>> = HashMap::new();
            for (name, ips) in entries {
                let ips = ips.iter().map(|ip| ip.parse().unwrap()).collect();
                answers.entry((*name).to_owned()).or_default().push(ips);
            }
            Self {
                answers: Mutex::new(answers),
            }
        }
    }

    impl Resolve for FakeDns {
        async fn resolve(&self, host: &str) -> Result<Vec<IpAddr>, String> {
            let mut answers = self.answers.lock().unwrap();
            let list = answers.get_mut(host).ok_or("NXDOMAIN")?;
            Ok(if list.len() > 1 {
                list.remove(0)
            } else {
                list[0].clone()
            })
        }
    }

    fn policy() -> WebhookPolicy {
        WebhookPolicy {
            allow_http: false,
            allowed_ports: Arc::from([80, 443, 8443]),
            allowed_addresses: Arc::from([]),
            timeout: Duration::from_secs(10),
        }
    }

    #[tokio::test]
    async fn internal_destinations_are_refused_however_spelled() {
        let dns = FakeDns::new(&[
            ("public.example", &["93.184.216.34"]),
            ("internal.example", &["10.0.0.7"]),
            ("mixed.example", &["93.184.216.34", "127.0.0.1"]),
            ("metadata.example", &["fd00:ec2::254"]),
            ("mapped.example", &["::ffff:127.0.0.1"]),
        ]);
        let refused = [
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://0.0.0.0/hook",
            "https://10.1.2.3/hook",
            "https://172.16.0.1/hook",
            "https://192.168.1.1/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[fd00:ec2::254]/hook",
            "https://100.64.0.1/hook",
            "https://224.0.0.1/hook",
            "https://[::ffff:127.0.0.1]/hook",
            "https://[64:ff9b::7f00:1]/hook",
            "https://[2002:7f00:1::]/hook",
            "https://[fe80::1]/hook",
            "https://[fec0::1]/hook",
            "https://[64:ff9b:1::a00:1]/hook",
            "https://[::ffff:0:7f00:1]/hook",
            "https://2130706433/hook",
            "https://0177.0.0.1/hook",
            "https://0x7f.1/hook",
            "https://public@127.0.0.1/hook",
            "https://user:pw@public.example/hook",
            "https://internal.example/hook",
            "https://mixed.example/hook",
            "https://metadata.example/hook",
            "https://mapped.example/hook",
            "https://nowhere.example/hook",
            "http://public.example/hook",
            "file:///etc/passwd",
            "gopher://public.example/",
            "https://public.example:22/hook",
        ];
        for url in refused {
            assert!(
                check(&policy(), &dns, url).await.is_err(),
                "{url} was allowed"
            );
        }
        let allowed = check(&policy(), &dns, "https://public.example/hook")
            .await
            .unwrap();
        assert_eq!(allowed.addr, "93.184.216.34:443".parse().unwrap());
        assert_eq!(allowed.host, "public.example");
    }

    #[tokio::test]
    async fn the_name_is_resolved_once_and_the_call_pinned_to_that_answer() {
        // Public at the check, loopback afterwards: the checked address is the one used.
        let dns = FakeDns::new(&[
            ("rebind.example", &["93.184.216.34"]),
            ("rebind.example", &["127.0.0.1"]),
        ]);
        let checked = check(&policy(), &dns, "https://rebind.example/hook")
            .await
            .unwrap();
        assert_eq!(
            checked.addr.ip(),
            "93.184.216.34".parse::<IpAddr>().unwrap()
        );
        assert!(check(&policy(), &dns, "https://rebind.example/hook")
            .await
            .is_err());
    }

    #[tokio::test]
    async fn the_operator_may_exempt_addresses_and_allow_http() {
        let dns = FakeDns::new(&[]);
        let mut policy = policy();
        policy.allow_http = true;
        policy.allowed_addresses = Arc::from(["127.0.0.1".parse::<IpAddr>().unwrap()]);
        let checked = check(&policy, &dns, "http://127.0.0.1:9999/hook")
            .await
            .unwrap();
        assert_eq!(checked.addr, "127.0.0.1:9999".parse().unwrap());
        assert!(check(&policy, &dns, "http://127.0.0.2:9999/hook")
            .await
            .is_err());
    }
}
