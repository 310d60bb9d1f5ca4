//! `direct` mode: each recipient domain's MX hosts, most preferred first, with STARTTLS
//! whenever a host offers it (opportunistic: certificates are not checked, as between MTAs
//! without MTA-STS or DANE).
//!
//! A tenant chooses the recipient domain, and so where its MX points. Sesame connects only
//! to public addresses — never loopback, private, link-local (the cloud metadata service),
//! CGNAT, multicast, documentation or unique-local ones, in any IPv4 or IPv6 spelling (the
//! webhook guard's rule) — unless the operator allows the address; a domain whose mail
//! servers are all at refused addresses bounces, saying so. And at most a few connections
//! go to one address at a time: mail for an address that is busy waits for a later
//! attempt instead of a worker, so one slow (or tarpitting) server cannot hold every
//! worker.

use std::{
    collections::{BTreeMap, HashMap},
    net::{IpAddr, SocketAddr},
    sync::{Arc, Mutex},
    time::Duration,
};

use app::{
    identities::dns::{DnsLookup, MailRoute},
    notifications::guard::is_public,
};
use tokio_rustls::TlsConnector;

use super::{
    relay::tls_connector,
    settings::DirectSettings,
    smtp::{self, Security, Target},
    transport::{Envelope, Outcome, RecipientResult, Reply},
};

/// Addresses tried for one domain in one attempt, over all its MX hosts.
const MAX_ADDRESSES_TRIED: usize = 5;

pub struct Direct {
    dns: DnsLookup,
    settings: DirectSettings,
    tls: TlsConnector,
    helo: String,
    timeout: Duration,
    /// Connections open to each address now.
    busy: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One of the connections to an address; gives its place back when dropped.
struct Slot {
    busy: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = busy.get_mut(&self.ip) {
            *count -= 1;
            if *count == 0 {
                busy.remove(&self.ip);
            }
        }
    }
}

impl Direct {
    pub fn new(
        dns: DnsLookup,
        settings: &DirectSettings,
        helo: &str,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            dns,
            settings: settings.clone(),
            tls: tls_connector(true)?,
            helo: helo.to_owned(),
            timeout,
            busy: Arc::default(),
        })
    }

    /// Whether Sesame may connect to `ip` at all.
    fn reachable(&self, ip: IpAddr) -> bool {
        is_public(ip) || self.settings.allowed_addresses.contains(&ip)
    }

    /// A connection slot for `ip`, if fewer than the limit are open.
    fn slot(&self, ip: IpAddr) -> Option<Slot> {
        let mut busy = self.busy.lock().unwrap_or_else(|e| e.into_inner());
        let count = busy.entry(ip).or_insert(0);
        if *count >= self.settings.connections_per_address.max(1) {
            return None;
        }
        *count += 1;
        Some(Slot {
            busy: Arc::clone(&self.busy),
            ip,
        })
    }

    pub async fn deliver(&self, envelope: &Envelope<'_>) -> Vec<Outcome> {
        let mut by_domain: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, recipient) in envelope.recipients.iter().enumerate() {
            let domain = recipient.rsplit_once('@').map_or("", |(_, d)| d);
            by_domain
                .entry(domain.to_ascii_lowercase())
                .or_default()
                .push(index);
        }
        let mut outcomes = Vec::with_capacity(envelope.recipients.len());
        for (domain, indexes) in by_domain {
            outcomes.extend(self.deliver_to_domain(envelope, &domain, &indexes).await);
        }
        outcomes
    }

    async fn deliver_to_domain(
        &self,
        envelope: &Envelope<'_>,
        domain: &str,
        indexes: &[usize],
    ) -> Vec<Outcome> {
        let all = |remote: &str, result: RecipientResult| {
            Outcome::all(indexes.iter().copied(), remote, &result)
        };
        let hosts = match self.dns.mail_route(domain).await {
            Ok(MailRoute::Hosts(hosts)) => hosts,
            Ok(MailRoute::NullMx) => {
                let reply = Reply::new(556, format!("5.1.10 {domain} accepts no mail (null MX)"));
                return all(domain, RecipientResult::Bounced(reply));
            }
            Ok(MailRoute::NoSuchDomain) => {
                let reply = Reply::new(550, format!("5.1.2 the domain {domain} does not exist"));
                return all(domain, RecipientResult::Bounced(reply));
            }
            Err(e) => {
                let reply = Reply::new(451, format!("4.4.3 {e}"));
                return all(domain, RecipientResult::Deferred(reply));
            }
        };
        let recipients: Vec<&str> = indexes.iter().map(|&i| envelope.recipients[i]).collect();
        let mut last = Reply::new(
            451,
            format!("4.4.4 no mail server of {domain} could be reached"),
        );
        // Addresses of the domain's servers that Sesame refused to connect to.
        let mut refused: Vec<String> = Vec::new();
        let mut any_reachable = false;
        let mut tried = 0;
        'hosts: for host in &hosts {
            let addresses = match self.dns.addresses(host).await {
                Ok(addresses) => addresses,
                Err(e) => {
                    last = Reply::new(451, format!("4.4.3 {e}"));
                    any_reachable = true;
                    continue;
                }
            };
            for ip in addresses {
                let remote = format!("{host} ({ip})");
                if !self.reachable(ip) {
                    // The host's name only: its address may be one of the operator's.
                    refused.push(host.clone());
                    continue;
                }
                // As Postfix's smtp_mx_address_limit: a domain with dozens of dead
                // addresses must not hold a worker for dozens of timeouts.
                if tried == MAX_ADDRESSES_TRIED {
                    break 'hosts;
                }
                tried += 1;
                any_reachable = true;
                let Some(_slot) = self.slot(ip) else {
                    last = Reply::new(
                        451,
                        format!("4.4.5 {remote} already has as many connections as Sesame opens to one address; tried again later"),
                    );
                    continue;
                };
                let target = Target {
                    host,
                    addr: SocketAddr::new(ip, self.settings.port),
                    security: Security::Opportunistic,
                    tls: &self.tls,
                    credentials: None,
                    helo: &self.helo,
                    timeout: self.timeout,
                };
                match smtp::send(&target, envelope.from, &recipients, envelope.data).await {
                    Ok(results) => {
                        return indexes
                            .iter()
                            .zip(results)
                            .map(|(&recipient, result)| Outcome {
                                recipient,
                                remote_host: remote.clone(),
                                result,
                            })
                            .collect()
                    }
                    // This host did not take part; the next one may.
                    Err(reply) => last = reply,
                }
            }
        }
        if !any_reachable && !refused.is_empty() {
            let reply = Reply::new(
                550,
                format!(
                    "5.4.4 the mail servers of {domain} are at addresses Sesame does not deliver to (loopback, private, link-local or otherwise internal): {}",
                    refused.join(", ")
                ),
            );
            return all(domain, RecipientResult::Bounced(reply));
        }
        all(domain, RecipientResult::Deferred(last))
    }
}
