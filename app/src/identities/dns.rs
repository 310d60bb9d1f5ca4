//! DNS lookups, over the DNS protocol (hickory-resolver), for verification — through the
//! configured nameservers (or the system's), or, for identities the owner published to the
//! development zone, through Sesame's own authoritative dev-zone server — and for direct
//! delivery (MX hosts and their addresses).

use std::{
    net::{IpAddr, SocketAddr},
    time::Duration,
};

use hickory_resolver::{
    config::{NameServerConfig, ResolverConfig, ResolverOpts},
    name_server::TokioConnectionProvider,
    proto::xfer::Protocol,
    TokioResolver,
};

use super::dev_zone::DevZoneScope;

/// The resolvers Sesame uses. Cheap to clone.
#[derive(Clone)]
pub struct DnsLookup {
    general: TokioResolver,
    /// The development zone's server, and the names it may vouch for.
    dev_zone: Option<(TokioResolver, DevZoneScope)>,
}

/// A lookup that got no answer at all (timeout, SERVFAIL): not evidence that a record is gone.
#[derive(Debug, thiserror::Error)]
#[error("DNS lookup of {name} failed: {reason}")]
pub struct LookupFailure {
    pub name: String,
    pub reason: String,
}

fn options() -> ResolverOpts {
    let mut opts = ResolverOpts::default();
    // Verification must see changes as soon as they are made: no caching.
    opts.cache_size = 0;
    opts.timeout = Duration::from_secs(3);
    opts.attempts = 2;
    opts.edns0 = true;
    opts
}

fn resolver_for(servers: &[SocketAddr]) -> TokioResolver {
    let mut config = ResolverConfig::new();
    for server in servers {
        config.add_name_server(NameServerConfig::new(*server, Protocol::Udp));
        config.add_name_server(NameServerConfig::new(*server, Protocol::Tcp));
    }
    TokioResolver::builder_with_config(config, TokioConnectionProvider::default())
        .with_options(options())
        .build()
}

impl DnsLookup {
    /// `nameservers` empty: the system's resolver configuration (/etc/resolv.conf).
    pub fn new(
        nameservers: &[SocketAddr],
        dev_zone: Option<(SocketAddr, DevZoneScope)>,
    ) -> Result<Self, String> {
        let general = if nameservers.is_empty() {
            TokioResolver::builder_tokio()
                .map_err(|e| format!("reading the system's DNS configuration: {e}"))?
                .with_options(options())
                .build()
        } else {
            resolver_for(nameservers)
        };
        Ok(Self {
            general,
            dev_zone: dev_zone.map(|(addr, scope)| (resolver_for(&[addr]), scope)),
        })
    }

    /// The development zone's scope, when the zone runs.
    pub fn dev_zone(&self) -> Option<&DevZoneScope> {
        self.dev_zone.as_ref().map(|(_, scope)| scope)
    }

    /// The TXT strings at `name` (each record's strings joined, as DKIM and SES read them);
    /// empty when the name or the record does not exist. `in_dev_zone` asks the
    /// development zone instead — only for a name the zone may vouch for; any other name
    /// is asked of the real DNS, whatever the identity's flag says.
    pub async fn txt(&self, name: &str, in_dev_zone: bool) -> Result<Vec<String>, LookupFailure> {
        let resolver = match &self.dev_zone {
            Some((dev_zone, scope)) if in_dev_zone && scope.covers(name) => dev_zone,
            _ => &self.general,
        };
        let fqdn = format!("{name}.");
        match resolver.txt_lookup(fqdn).await {
            Ok(lookup) => Ok(lookup
                .iter()
                .map(|txt| {
                    txt.txt_data()
                        .iter()
                        .map(|part| String::from_utf8_lossy(part))
                        .collect::<String>()
                })
                .collect()),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
            Err(e) => Err(LookupFailure {
                name: name.to_owned(),
                reason: e.to_string(),
            }),
        }
    }

    /// Where mail for `domain` goes (RFC 5321 §5.1, RFC 7505).
    pub async fn mail_route(&self, domain: &str) -> Result<MailRoute, LookupFailure> {
        match self.general.mx_lookup(format!("{domain}.")).await {
            Ok(lookup) => {
                let mut exchangers: Vec<(u16, String)> = lookup
                    .iter()
                    .map(|mx| {
                        let host = mx.exchange().to_ascii();
                        (mx.preference(), host.trim_end_matches('.').to_owned())
                    })
                    .collect();
                exchangers.sort();
                if exchangers.iter().any(|(_, host)| host.is_empty()) {
                    return Ok(MailRoute::NullMx);
                }
                Ok(MailRoute::Hosts(
                    exchangers.into_iter().map(|(_, h)| h).collect(),
                ))
            }
            Err(e) if e.is_nx_domain() => Ok(MailRoute::NoSuchDomain),
            // No MX: the domain itself is the implicit MX.
            Err(e) if e.is_no_records_found() => Ok(MailRoute::Hosts(vec![domain.to_owned()])),
            Err(e) => Err(LookupFailure {
                name: domain.to_owned(),
                reason: e.to_string(),
            }),
        }
    }

    /// The IPv4 and IPv6 addresses of `host`.
    pub async fn addresses(&self, host: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        match self.general.lookup_ip(format!("{host}.")).await {
            Ok(lookup) => Ok(lookup.iter().collect()),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
            Err(e) => Err(LookupFailure {
                name: host.to_owned(),
                reason: e.to_string(),
            }),
        }
    }
}

/// Where a domain's mail goes.
#[derive(Debug, PartialEq, Eq)]
pub enum MailRoute {
    /// Its MX hosts, most preferred first (or the domain itself, without MX records).
    Hosts(Vec<String>),
    /// A null MX: the domain accepts no mail.
    NullMx,
    /// The domain does not exist.
    NoSuchDomain,
}
