//! `direct` mode: each recipient domain's MX hosts, most preferred first, with STARTTLS
//! whenever a host offers it (opportunistic: certificates are not checked, as between MTAs
//! without MTA-STS or DANE).

use std::{collections::BTreeMap, net::SocketAddr, time::Duration};

use app::identities::dns::{DnsLookup, MailRoute};
use tokio_rustls::TlsConnector;

use super::{
    relay::tls_connector,
    smtp::{self, Security, Target},
    transport::{Envelope, Outcome, RecipientResult, Reply},
};

pub struct Direct {
    dns: DnsLookup,
    port: u16,
    tls: TlsConnector,
    helo: String,
    timeout: Duration,
}

impl Direct {
    pub fn new(dns: DnsLookup, port: u16, helo: &str, timeout: Duration) -> anyhow::Result<Self> {
        Ok(Self {
            dns,
            port,
            tls: tls_connector(true)?,
            helo: helo.to_owned(),
            timeout,
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
        for host in &hosts {
            let addresses = match self.dns.addresses(host).await {
                Ok(addresses) => addresses,
                Err(e) => {
                    last = Reply::new(451, format!("4.4.3 {e}"));
                    continue;
                }
            };
            for ip in addresses {
                let target = Target {
                    host,
                    addr: SocketAddr::new(ip, self.port),
                    security: Security::Opportunistic,
                    tls: &self.tls,
                    credentials: None,
                    helo: &self.helo,
                    timeout: self.timeout,
                };
                let remote = format!("{host} ({ip})");
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
        all(domain, RecipientResult::Deferred(last))
    }
}
