//! Delivering events to webhooks: workers drain the outbox (`app::notifications::outbox`),
//! build each event's SES-format payload, check the URL again through the SSRF guard,
//! call it signed and pinned, and record the attempt — retrying with backoff for over a
//! day, disabling destinations that keep failing.

pub mod settings;

use std::{sync::Arc, time::Duration};

use app::{
    identities::dns::DnsLookup,
    notifications::{
        guard::{self, WebhookPolicy},
        outbox::{self, Due, Next},
        payload, webhook,
    },
    server::vault::SecretVault,
};
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

pub use settings::WebhookSettings;

use crate::delivery::retry::RetryPolicy;

/// The guard's rules, from the settings.
pub fn policy(settings: &WebhookSettings) -> WebhookPolicy {
    WebhookPolicy {
        allow_http: settings.allow_http,
        allowed_ports: settings.allowed_ports.clone().into(),
        allowed_addresses: settings.allowed_addresses.clone().into(),
        timeout: Duration::from_secs(settings.timeout_secs.max(1)),
    }
}

pub struct Notifier {
    pub pool: PgPool,
    pub vault: SecretVault,
    pub dns: DnsLookup,
    pub policy: WebhookPolicy,
    pub retry: RetryPolicy,
    pub disable_after: i32,
    pub workers: usize,
    pub poll: Duration,
}

impl Notifier {
    pub fn new(
        settings: &WebhookSettings,
        pool: PgPool,
        vault: SecretVault,
        dns: DnsLookup,
    ) -> Self {
        Self {
            pool,
            vault,
            dns,
            policy: policy(settings),
            retry: RetryPolicy {
                base: Duration::from_secs(settings.retry_base_secs.max(1)),
                max_delay: Duration::from_secs(settings.retry_max_secs.max(1)),
                max_age: Duration::from_secs(settings.max_age_secs),
            },
            disable_after: settings.disable_after.max(1),
            workers: settings.workers,
            poll: Duration::from_millis(settings.poll_ms.max(10)),
        }
    }

    /// Runs until the process stops: claims as many deliveries as there are free workers,
    /// each on its own task, so a slow endpoint holds one worker and nothing else.
    pub fn spawn(self) {
        if self.workers == 0 {
            return;
        }
        let notifier = Arc::new(self);
        let free = Arc::new(Semaphore::new(notifier.workers));
        tokio::spawn(async move {
            loop {
                let available = free.available_permits() as i64;
                let lease = notifier.policy.timeout.as_secs_f64() + 30.0;
                let claimed = match available {
                    0 => Vec::new(),
                    n => outbox::claim_due(&notifier.pool, n, lease)
                        .await
                        .unwrap_or_else(|e| {
                            tracing::warn!(error = %e, "claiming webhook deliveries failed");
                            Vec::new()
                        }),
                };
                if claimed.is_empty() {
                    tokio::time::sleep(notifier.poll).await;
                    continue;
                }
                for due in claimed {
                    let Ok(permit) = Arc::clone(&free).acquire_owned().await else {
                        return;
                    };
                    let notifier = Arc::clone(&notifier);
                    tokio::spawn(async move {
                        if let Err(e) = notifier.deliver(&due).await {
                            tracing::warn!(notification = %due.notification_id, error = %e, "recording a webhook delivery failed");
                        }
                        drop(permit);
                    });
                }
            }
        });
    }

    /// One attempt at one delivery.
    pub async fn deliver(&self, due: &Due) -> Result<(), sqlx::Error> {
        let Some(facts) = outbox::event_facts(&self.pool, due.event_id).await? else {
            let gone = webhook::CallResult::refused("the event no longer exists".into());
            return outbox::record(&self.pool, due, &gone, Next::GiveUp, self.disable_after).await;
        };
        let body = payload::event_json(&facts).to_string();
        let result = match (
            self.vault
                .open(&due.secret, &due.destination_id.to_string()),
            guard::check(&self.policy, &self.dns, &due.url).await,
        ) {
            (Ok(key), Ok(target)) => {
                webhook::call(
                    &self.policy,
                    &target,
                    &key,
                    &facts.event_id,
                    &facts.event_type,
                    body.as_bytes(),
                )
                .await
            }
            // The guard's verdict first: a refused address is the thing to show.
            (_, Err(reason)) => webhook::CallResult::refused(reason),
            (Err(_), _) => {
                webhook::CallResult::refused("the signing key could not be opened".into())
            }
        };
        let age =
            Duration::try_from(OffsetDateTime::now_utc() - due.created_at).unwrap_or_default();
        let next = if result.succeeded() {
            Next::Delivered
        } else {
            match self.retry.next_delay(due.attempts.max(1) as u32, age) {
                Some(delay) => Next::RetryAt(OffsetDateTime::now_utc() + delay),
                None => Next::GiveUp,
            }
        };
        outbox::record(&self.pool, due, &result, next, self.disable_after).await
    }
}
