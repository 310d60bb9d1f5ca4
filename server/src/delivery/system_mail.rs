//! Delivering Sesame's own mail (`app::system_mail`): the same route, simulator and
//! retry policy as accepted messages, so a verification link reaches only whoever reads
//! the address's mail (and, in `sink` mode, only the Mailbox of the account that asked).
//! Each mail has one recipient; its outcome is recorded on its row. A worker claims one
//! mail at a time under the delivery's lease, so no claim outlives its lease while the
//! worker is busy with others.

use std::{sync::Arc, time::Duration};

use app::system_mail::db::{self, Claimed, Settled};
use time::OffsetDateTime;

use super::{
    simulator,
    transport::{Concerning, Envelope, RecipientResult, Reply},
    Deliverer,
};

/// Starts `count` workers that run until the process stops (each finishing its attempt).
pub fn spawn(workers: &crate::workers::Workers, deliverer: &Arc<Deliverer>, count: usize) {
    for _ in 0..count {
        let deliverer = Arc::clone(deliverer);
        workers.spawn("system-mail", move |stop| async move {
            while !stop.is_cancelled() {
                let idle = match run_once(&deliverer).await {
                    Ok(0) => true,
                    Ok(_) => false,
                    Err(e) => {
                        tracing::warn!(error = %e, "system mail round failed; retrying");
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

/// Claims a due mail and makes one attempt at it; returns how many were claimed (0 or 1).
pub async fn run_once(deliverer: &Deliverer) -> Result<usize, sqlx::Error> {
    let claimed = db::claim_due(&deliverer.pool, 1, deliverer.lease.as_secs_f64()).await?;
    for mail in &claimed {
        let (remote_host, result) = attempt(deliverer, mail).await;
        let settled = settle(deliverer, mail, &result);
        let reply = result.reply().to_string();
        db::settle(&deliverer.pool, mail, &remote_host, &reply, &settled).await?;
    }
    Ok(claimed.len())
}

async fn attempt(deliverer: &Deliverer, mail: &Claimed) -> (String, RecipientResult) {
    if let Some(simulated) = simulator::simulate(&mail.recipient) {
        return ("simulator".to_owned(), simulated.result);
    }
    let id = mail.system_mail_id.to_string();
    let data = sesame_wire::line_endings::normalise(&mail.raw);
    let recipients = [mail.recipient.as_str()];
    let envelope = Envelope {
        message_id: &id,
        about: match &mail.account_id {
            Some(account) => Concerning::Account(account),
            None => Concerning::Nobody,
        },
        from: &mail.sender,
        recipients: &recipients,
        data: &data,
    };
    match deliverer.transmit(&envelope).await.into_iter().next() {
        Some(outcome) => (outcome.remote_host, outcome.result),
        None => (
            "sesame".to_owned(),
            RecipientResult::Deferred(Reply::new(451, "4.3.0 the delivery route gave no answer")),
        ),
    }
}

/// Delivered, tried again later with the delivery's backoff, or given up (5xx, or too old).
fn settle(deliverer: &Deliverer, mail: &Claimed, result: &RecipientResult) -> Settled {
    match result {
        RecipientResult::Delivered(_) => Settled::Delivered,
        RecipientResult::Bounced(_) => Settled::Failed,
        RecipientResult::Deferred(_) => {
            let now = OffsetDateTime::now_utc();
            let age = Duration::try_from(now - mail.created_at).unwrap_or_default();
            match deliverer.retry.next_delay(mail.attempts.max(1) as u32, age) {
                Some(delay) => Settled::RetryAt(now + delay),
                None => Settled::Failed,
            }
        }
    }
}
