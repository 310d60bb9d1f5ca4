//! The verification worker: every few seconds, claims the domain identities whose check is
//! due (pending ones, troubled ones, verified ones due for their periodic re-check) and
//! checks their records over DNS; and fails email identities whose link expired unused.

use std::time::Duration;

use app::identities::{
    check::check_domain, db::claim_due_checks, dns::DnsLookup, email::expire_unopened,
    verification::VerificationPolicy,
};
use sqlx::PgPool;

/// Identities claimed per round.
const BATCH: i64 = 20;

/// Runs until the process stops.
pub fn spawn(
    workers: &super::Workers,
    pool: PgPool,
    dns: DnsLookup,
    policy: VerificationPolicy,
    poll_every: Duration,
) {
    workers.every("verification", poll_every, move || {
        let (pool, dns) = (pool.clone(), dns.clone());
        async move {
            if let Err(e) = run_once(&pool, &dns, &policy).await {
                tracing::warn!(error = %e, "verification round failed");
            }
        }
    });
}

/// One round: expires unopened email links, then checks the due domains (how many is
/// returned).
pub async fn run_once(
    pool: &PgPool,
    dns: &DnsLookup,
    policy: &VerificationPolicy,
) -> Result<usize, app::error::AppError> {
    expire_unopened(pool).await?;
    let due = claim_due_checks(pool, BATCH).await?;
    let checked = due.len();
    for target in due {
        check_domain(pool, dns, policy, target).await?;
    }
    Ok(checked)
}
