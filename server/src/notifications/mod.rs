//! Delivering notifications: workers drain the outbox (`app::notifications::outbox`) and
//! build each event's SES-format payload; a webhook's URL is checked again through the
//! SSRF guard and called signed and pinned, a forwarded notification is mailed through the
//! delivery route. Every attempt is recorded; failures are retried with backoff for over
//! a day, and webhook destinations that keep failing are disabled.

pub mod settings;

use std::{sync::Arc, time::Duration};

use app::{
    identities::dns::DnsLookup,
    ids::AccountId,
    notifications::{
        email,
        guard::{self, WebhookPolicy},
        outbox::{self, Due, Next, Target},
        payload::{self, EventFacts},
        webhook::{self, CallResult},
    },
    server::vault::SecretVault,
};
use sqlx::PgPool;
use time::OffsetDateTime;
use tokio::sync::Semaphore;

pub use settings::WebhookSettings;

use crate::delivery::{
    retry::RetryPolicy,
    transport::{Concerning, Envelope, RecipientResult},
    Deliverer,
};

/// The guard's rules, from the settings.
pub fn policy(settings: &WebhookSettings) -> WebhookPolicy {
    WebhookPolicy {
        allow_http: settings.allow_http,
        allowed_ports: settings.allowed_ports.clone().into(),
        allowed_addresses: settings.allowed_addresses.clone().into(),
        timeout: Duration::from_secs(settings.timeout_secs.max(1)),
    }
}

/// How long a claimed notification stays the worker's (as delivery's lease).
const LEASE: Duration = Duration::from_secs(15 * 60);

pub struct Notifier {
    pub pool: PgPool,
    pub vault: SecretVault,
    pub dns: DnsLookup,
    pub policy: WebhookPolicy,
    pub retry: RetryPolicy,
    pub disable_after: i32,
    pub workers: usize,
    pub poll: Duration,
    /// Sends forwarded notifications by mail, from the system sender.
    pub mailer: Arc<Deliverer>,
    pub system_sender: Arc<str>,
}

impl Notifier {
    pub fn new(
        settings: &WebhookSettings,
        pool: PgPool,
        vault: SecretVault,
        dns: DnsLookup,
        mailer: Arc<Deliverer>,
        system_sender: Arc<str>,
    ) -> Self {
        Self {
            mailer,
            system_sender,
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
    /// each on its own task, so a slow endpoint holds one worker and nothing else. At the
    /// stop nothing more is claimed, and the deliveries in flight are waited for (within
    /// the grace period; one cut off has its claim come back when the lease ends).
    pub fn spawn(self, workers: &crate::workers::Workers) {
        if self.workers == 0 {
            return;
        }
        let notifier = Arc::new(self);
        let free = Arc::new(Semaphore::new(notifier.workers));
        let deliveries = workers.clone();
        workers.listen("notifications", async move {
            loop {
                let available = free.available_permits() as i64;
                // Longer than any one attempt (a mailed notification may take the delivery
                // route's SMTP timeouts); only a crashed worker's claims wait it out.
                let lease = LEASE.as_secs_f64();
                let claimed = notifier.claim(available, lease).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "claiming notifications failed");
                    Vec::new()
                });
                if claimed.is_empty() {
                    tokio::time::sleep(notifier.poll).await;
                    continue;
                }
                for due in claimed {
                    let Ok(permit) = Arc::clone(&free).acquire_owned().await else {
                        return;
                    };
                    let notifier = Arc::clone(&notifier);
                    deliveries.spawn("notification", move |_| async move {
                        if let Err(e) = notifier.deliver(&due).await {
                            tracing::warn!(notification = %due.notification_id, error = %e, "recording a webhook delivery failed");
                        }
                        drop(permit);
                    });
                }
            }
        });
    }

    /// Due webhooks (one per destination) and forwarded emails, up to `free` in all.
    async fn claim(&self, free: i64, lease: f64) -> Result<Vec<Due>, sqlx::Error> {
        if free == 0 {
            return Ok(Vec::new());
        }
        let mut claimed = outbox::claim_due(&self.pool, free, lease).await?;
        let left = free - claimed.len() as i64;
        if left > 0 {
            claimed.extend(outbox::claim_due_emails(&self.pool, left, lease).await?);
        }
        Ok(claimed)
    }

    /// One attempt at one delivery.
    pub async fn deliver(&self, due: &Due) -> Result<(), sqlx::Error> {
        let Some(facts) = outbox::event_facts(&self.pool, due.event_id).await? else {
            let gone = CallResult::refused("the event no longer exists".into());
            return outbox::record(&self.pool, due, &gone, Next::GiveUp, self.disable_after).await;
        };
        let result = match &due.target {
            Target::Webhook {
                destination_id,
                url,
                secret,
            } => {
                self.call_webhook(&facts, *destination_id, url, secret)
                    .await
            }
            Target::Email { to, owner, .. } => self.mail(&facts, to, owner.as_ref()).await,
        };
        let age =
            Duration::try_from(OffsetDateTime::now_utc() - due.created_at).unwrap_or_default();
        // A mail server's 5xx is final; trying again would not change it.
        let refused_for_good =
            matches!(due.target, Target::Email { .. }) && result.status.is_some_and(|s| s >= 500);
        let next = if result.succeeded() {
            Next::Delivered
        } else if refused_for_good {
            Next::GiveUp
        } else {
            match self.retry.next_delay(due.attempts.max(1) as u32, age) {
                Some(delay) => Next::RetryAt(OffsetDateTime::now_utc() + delay),
                None => Next::GiveUp,
            }
        };
        outbox::record(&self.pool, due, &result, next, self.disable_after).await
    }

    async fn call_webhook(
        &self,
        facts: &EventFacts,
        destination_id: uuid::Uuid,
        url: &str,
        secret: &app::server::vault::Sealed,
    ) -> CallResult {
        let body = payload::event_json(facts).to_string();
        match (
            self.vault.open(secret, &destination_id.to_string()),
            guard::check(&self.policy, &self.dns, url).await,
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
            (_, Err(reason)) => CallResult::refused(reason),
            (Err(_), _) => CallResult::refused("the signing key could not be opened".into()),
        }
    }

    /// Mails the notification through the delivery route, from the null sender (a
    /// notification about feedback must never cause feedback of its own). `owner`: the
    /// destination's account (see `Target::Email`).
    async fn mail(&self, facts: &EventFacts, to: &str, owner: Option<&AccountId>) -> CallResult {
        let started = std::time::Instant::now();
        let data = match email::compose(facts, to, &self.system_sender) {
            Ok(data) => data,
            Err(e) => {
                return CallResult::refused(format!("the notification could not be composed: {e}"))
            }
        };
        let envelope = Envelope {
            message_id: &facts.message_id,
            about: owner.map_or(Concerning::Message, Concerning::Account),
            from: "",
            recipients: &[to],
            data: &data,
        };
        let outcome = self.mailer.transmit(&envelope).await.into_iter().next();
        let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        match outcome {
            Some(outcome) => {
                let reply = outcome.result.reply();
                let status = match outcome.result {
                    RecipientResult::Delivered(_) => 250,
                    _ => reply.code,
                };
                CallResult {
                    status: Some(status),
                    latency_ms,
                    response: format!("{}: {reply}", outcome.remote_host),
                }
            }
            None => CallResult::refused("the delivery route gave no answer".into()),
        }
    }
}
