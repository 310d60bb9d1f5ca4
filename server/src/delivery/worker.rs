//! The delivery workers: claim due recipients under a lease, send each message to its
//! claimed recipients (the simulator's locally, suppressed addresses not at all, the rest
//! by the configured route), and record every outcome — delivered, deferred to a later
//! attempt (exponential backoff with jitter), or bounced (5xx, classed; or still 4xx at
//! the maximum age; or suppressed).

use std::{
    collections::{BTreeMap, HashSet},
    sync::Arc,
    time::Duration,
};

use app::{
    delivery::queue::{self, Attempt, Claimed, Outbound, Verdict},
    feedback::{events, return_path, suppression, Bounce},
    identities::DkimAlgorithm,
    server::vault::SecretVault,
};
use futures::StreamExt;
use sqlx::PgPool;
use time::OffsetDateTime;

use super::{
    direct::Direct,
    relay::Relay,
    retry::RetryPolicy,
    simulator, sink,
    transport::{Concerning, Envelope, Outcome, RecipientResult, Reply},
    wire::{self, DkimKey},
};

/// Messages of one claimed batch a worker delivers at the same time.
const MESSAGES_AT_ONCE: usize = 8;

/// Where mail goes.
pub enum Route {
    Sink,
    Relay(Relay),
    Direct(Box<Direct>),
}

pub struct Deliverer {
    pub pool: PgPool,
    pub vault: SecretVault,
    pub route: Route,
    pub retry: RetryPolicy,
    /// Recipients claimed at a time.
    pub batch: i64,
    pub lease: Duration,
    /// How long an idle worker waits before looking again.
    pub poll: Duration,
    /// Where DSNs and complaints should come back to (VERP bounce addresses), if set.
    pub feedback_domain: Option<String>,
}

impl Deliverer {
    /// Starts `count` workers; they run until the process stops, each finishing the batch
    /// it holds (a worker killed mid-batch has its claims come back when their lease ends).
    pub fn spawn(self: Arc<Self>, workers: &crate::workers::Workers, count: usize) {
        for _ in 0..count {
            let deliverer = Arc::clone(&self);
            workers.spawn("delivery", move |stop| async move {
                while !stop.is_cancelled() {
                    let idle = match deliverer.run_once().await {
                        Ok(0) => true,
                        Ok(_) => false,
                        Err(e) => {
                            tracing::warn!(error = %e, "delivery round failed; retrying");
                            true
                        }
                    };
                    if idle {
                        stop.run_until_cancelled(tokio::time::sleep(deliverer.poll))
                            .await;
                    }
                }
            });
        }
    }

    /// One round: claims due recipients and delivers their messages. Returns how many
    /// recipients were claimed.
    pub async fn run_once(&self) -> Result<usize, sqlx::Error> {
        let claimed = queue::claim_due(&self.pool, self.batch, self.lease.as_secs_f64()).await?;
        if claimed.is_empty() {
            return Ok(0);
        }
        let mut by_message: BTreeMap<&str, Vec<&Claimed>> = BTreeMap::new();
        for recipient in &claimed {
            by_message
                .entry(recipient.message_id.as_str())
                .or_default()
                .push(recipient);
        }
        let ids: Vec<String> = by_message.keys().map(|id| (*id).to_owned()).collect();
        let messages = queue::outbound(&self.pool, &ids).await?;
        let suppressed = self.suppressed(&messages, &by_message).await?;
        // A few messages at a time, side by side: a slow (or tarpitting) server holds only
        // the messages going to it, not the rest of the batch.
        let batch = messages.iter().filter_map(|message| {
            let recipients = by_message.get(message.message_id.as_str())?;
            Some((message, recipients))
        });
        futures::stream::iter(batch)
            .for_each_concurrent(MESSAGES_AT_ONCE, |(message, recipients)| {
                let suppressed = &suppressed;
                async move {
                    // One message's failure to record must not hold back the rest of the
                    // batch; its recipients come back when their lease ends.
                    if let Err(e) = self.deliver(message, recipients, suppressed).await {
                        tracing::warn!(message_id = %message.message_id, error = %e, "recording a delivery failed");
                    }
                }
            })
            .await;
        Ok(claimed.len())
    }

    /// Which claimed recipients are on their sending account's suppression list, as
    /// (account, lower-cased address) — one query for the whole batch.
    async fn suppressed(
        &self,
        messages: &[Outbound],
        by_message: &BTreeMap<&str, Vec<&Claimed>>,
    ) -> Result<HashSet<(String, String)>, sqlx::Error> {
        let (accounts, addresses): (Vec<&str>, Vec<&str>) = messages
            .iter()
            .flat_map(|m| {
                let recipients = by_message.get(m.message_id.as_str()).into_iter().flatten();
                recipients.map(|r| (m.account_id.as_str(), r.address.as_str()))
            })
            .unzip();
        suppression::suppressed_among(&self.pool, &accounts, &addresses).await
    }

    async fn deliver(
        &self,
        message: &Outbound,
        claimed: &[&Claimed],
        suppressed: &HashSet<(String, String)>,
    ) -> Result<(), sqlx::Error> {
        let started = OffsetDateTime::now_utc();
        // (index into `claimed`, the server that answered, the result, how a bounce is
        // recorded when that is already known)
        let mut results: Vec<(usize, String, RecipientResult, Option<Bounce>)> = Vec::new();
        let mut complaints: Vec<i16> = Vec::new();
        let mut outgoing: Vec<usize> = Vec::new();
        for (index, recipient) in claimed.iter().enumerate() {
            let key = (message.account_id.clone(), recipient.address.to_lowercase());
            if suppressed.contains(&key) {
                let reply = Reply::new(
                    550,
                    "5.1.1 the address is on the account's suppression list; not attempted",
                );
                let bounce = Bounce::on_suppression_list();
                results.push((
                    index,
                    "sesame".to_owned(),
                    RecipientResult::Bounced(reply),
                    Some(bounce),
                ));
            } else if let Some(simulated) = simulator::simulate(&recipient.address) {
                if simulated.complains {
                    complaints.push(recipient.position);
                }
                results.push((
                    index,
                    "simulator".to_owned(),
                    simulated.result,
                    simulated.bounce,
                ));
            } else {
                outgoing.push(index);
            }
        }
        if !outgoing.is_empty() {
            let sent = self.send(message, claimed, &outgoing).await;
            results.extend(
                sent.into_iter()
                    .map(|(i, host, result)| (i, host, result, None)),
            );
        }
        let age = Duration::try_from(started - message.created_at).unwrap_or_default();
        let attempts: Vec<Attempt> = results
            .into_iter()
            .map(|(index, remote_host, result, bounce)| Attempt {
                position: claimed[index].position,
                remote_host,
                reply: result.reply().to_string(),
                verdict: self.verdict(&result, bounce, claimed[index].attempts, age),
            })
            .collect();
        queue::record_attempts(&self.pool, &message.message_id, started, &attempts).await?;
        for position in complaints {
            let detail = "A complaint (ARF, Feedback-Type: abuse) from the mailbox simulator.";
            let complaint = events::Feedback::Complaint(Some("abuse"));
            events::record_feedback(
                &self.pool,
                &message.message_id,
                position,
                complaint,
                "simulator",
                detail,
            )
            .await?;
        }
        Ok(())
    }

    /// Sends to `claimed[i]` for each i in `outgoing`, by the configured route.
    async fn send(
        &self,
        message: &Outbound,
        claimed: &[&Claimed],
        outgoing: &[usize],
    ) -> Vec<(usize, String, RecipientResult)> {
        let prepared = match self.prepare(message) {
            Ok(data) => self.bounce_address(message).await.map(|from| (data, from)),
            Err(problem) => Err(problem),
        };
        let (data, from) = match prepared {
            Ok(prepared) => prepared,
            Err(problem) => {
                tracing::error!(message_id = %message.message_id, %problem, "a message could not be prepared for sending");
                let result = RecipientResult::Deferred(Reply::new(
                    451,
                    "4.3.0 the message could not be prepared for sending",
                ));
                return outgoing
                    .iter()
                    .map(|&i| (i, "sesame".to_owned(), result.clone()))
                    .collect();
            }
        };
        let recipients: Vec<&str> = outgoing
            .iter()
            .map(|&i| claimed[i].address.as_str())
            .collect();
        let envelope = Envelope {
            message_id: &message.message_id,
            about: Concerning::Message,
            from: &from,
            recipients: &recipients,
            data: &data,
        };
        self.transmit(&envelope)
            .await
            .into_iter()
            .map(|o| (outgoing[o.recipient], o.remote_host, o.result))
            .collect()
    }

    /// Hands a ready message to the configured route (also used for Sesame's own
    /// notification mail).
    pub async fn transmit(&self, envelope: &Envelope<'_>) -> Vec<Outcome> {
        match &self.route {
            Route::Sink => sink::deliver_all(&self.pool, envelope).await,
            Route::Relay(relay) => relay.deliver(envelope).await,
            Route::Direct(direct) => direct.deliver(envelope).await,
        }
    }

    /// MAIL FROM: Sesame's bounce address for the message when a feedback domain is
    /// configured (so DSNs and complaints come back to the feedback listener), else the
    /// sender's.
    async fn bounce_address(&self, message: &Outbound) -> Result<String, String> {
        match &self.feedback_domain {
            Some(domain) => return_path::bounce_address(&self.pool, &message.message_id, domain)
                .await
                .map_err(|e| format!("no bounce address: {e}")),
            None => Ok(message.envelope_from.clone()),
        }
    }

    /// The message as it goes out: CRLF line endings, DKIM-signed when the owner's domain
    /// identity has a key.
    fn prepare(&self, message: &Outbound) -> Result<Vec<u8>, String> {
        let normalised = sesame_wire::line_endings::normalise(&message.raw);
        let Some(signing) = &message.signing else {
            return Ok(normalised);
        };
        let private_key = self
            .vault
            .open(&signing.private_key, &signing.identity_id.to_string())
            .map_err(|e| format!("the DKIM key of {} does not open: {e}", signing.domain))?;
        let algorithm: DkimAlgorithm = signing.algorithm.parse()?;
        let key = DkimKey {
            domain: signing.domain.clone(),
            selector: signing.selector.clone(),
            algorithm,
            private_key,
        };
        wire::sign(&normalised, &key)
    }

    fn verdict(
        &self,
        result: &RecipientResult,
        bounce: Option<Bounce>,
        attempts: i32,
        age: Duration,
    ) -> Verdict {
        match result {
            RecipientResult::Delivered(_) => Verdict::Delivered,
            RecipientResult::Bounced(reply) => Verdict::Bounced(
                bounce.unwrap_or_else(|| Bounce::from_reply(reply.code, &reply.text)),
            ),
            RecipientResult::Deferred(reply) => {
                match self.retry.next_delay(attempts.max(1) as u32, age) {
                    Some(delay) => Verdict::Deferred {
                        retry_at: OffsetDateTime::now_utc() + delay,
                    },
                    None => Verdict::Bounced(Bounce::expired(reply.code, &reply.text)),
                }
            }
        }
    }
}
