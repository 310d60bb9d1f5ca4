//! Delivering accepted mail: workers drain the queue (`app::delivery::queue`) and hand each
//! message to the mailbox simulator or the configured route — Sesame's own mailbox
//! (`sink`), an SMTP smarthost (`relay`) or the recipients' MX hosts (`direct`) — after
//! normalising its line endings and DKIM-signing it.

mod direct;
mod relay;
pub(crate) mod retry;
pub mod settings;
mod simulator;
mod sink;
mod smtp;
pub mod system_mail;
pub mod transport;
mod wire;
mod worker;

use std::{sync::Arc, time::Duration};

use app::{identities::dns::DnsLookup, server::vault::SecretVault};
use sqlx::PgPool;

pub use settings::{DeliveryMode, DeliverySettings};
pub use worker::Deliverer;

use self::{direct::Direct, relay::Relay, retry::RetryPolicy, worker::Route};

/// The workers as configured; `helo` is the name Sesame gives in EHLO.
pub fn deliverer(
    settings: &DeliverySettings,
    pool: PgPool,
    vault: SecretVault,
    dns: DnsLookup,
    helo: &str,
    feedback_domain: Option<String>,
) -> anyhow::Result<Arc<Deliverer>> {
    let timeout = Duration::from_secs(settings.timeout_secs.max(1));
    let route = match settings.mode {
        DeliveryMode::Sink => Route::Sink,
        DeliveryMode::Relay => Route::Relay(Relay::new(&settings.relay, helo, timeout)?),
        DeliveryMode::Direct => {
            Route::Direct(Box::new(Direct::new(dns, &settings.direct, helo, timeout)?))
        }
    };
    Ok(Arc::new(Deliverer {
        pool,
        vault,
        route,
        retry: RetryPolicy {
            base: Duration::from_secs(settings.retry_base_secs.max(1)),
            max_delay: Duration::from_secs(settings.retry_max_secs.max(1)),
            max_age: Duration::from_secs(settings.max_age_secs),
        },
        batch: settings.batch.max(1),
        lease: Duration::from_secs(settings.lease_secs.max(1)),
        poll: Duration::from_millis(settings.poll_ms.max(10)),
        feedback_domain,
    }))
}

/// How the operator console describes the configured delivery.
pub fn describe(settings: &DeliverySettings) -> String {
    match settings.mode {
        DeliveryMode::Sink => "sink: delivered mail stays in Sesame's mailbox".to_owned(),
        DeliveryMode::Relay => {
            let relay = &settings.relay;
            let auth = if relay.username.is_some() {
                ", authenticated"
            } else {
                ""
            };
            format!(
                "relay through {}:{} ({:?}{auth})",
                relay.host, relay.port, relay.tls
            )
        }
        DeliveryMode::Direct => format!(
            "direct to each domain's MX hosts on port {} (opportunistic STARTTLS)",
            settings.direct.port
        ),
    }
}
