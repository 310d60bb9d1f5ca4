//! One verification check of a domain identity: ask DNS for both records, decide the next
//! state, store it. Used by the verification worker and by "check now".

use std::time::Duration;

use sqlx::PgPool;
use time::OffsetDateTime;

use super::{
    db::{self, CheckTarget},
    dns::DnsLookup,
    records,
    verification::{next_state, VerificationPolicy},
    VerificationStatus,
};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
};

/// Checks one identity and records the outcome. A lookup that got no answer (timeout,
/// SERVFAIL) changes nothing but is retried: it is not evidence that records are gone.
pub async fn check_domain(
    pool: &PgPool,
    dns: &DnsLookup,
    policy: &VerificationPolicy,
    target: CheckTarget,
) -> Result<VerificationStatus, AppError> {
    let status: VerificationStatus = target
        .verification_status
        .parse()
        .map_err(crate::server::errors::internal)?;
    // Created before public suffixes were refused: no record proves owning one.
    if super::domain::DomainName::parse(&target.name)
        .is_ok_and(|d| super::service::is_public_suffix(&d))
    {
        let answers = vec![format!(
            "{}\tis a public suffix: no one owns it",
            target.name
        )];
        let failed = VerificationStatus::Failed.as_str();
        db::record_check(pool, target.identity_id, failed, None, &answers, None).await?;
        return Ok(VerificationStatus::Failed);
    }
    let verification_name = records::verification_name(&target.name);
    let dkim_name = target
        .dkim_selector
        .as_deref()
        .map(|s| records::dkim_name(s, &target.name));

    let verification = dns.txt(&verification_name, target.dev_zone).await;
    let dkim = match &dkim_name {
        Some(name) => dns.txt(name, target.dev_zone).await.map(Some),
        None => Ok(None),
    };
    let (verification, dkim) = match (verification, dkim) {
        (Ok(v), Ok(d)) => (v, d.unwrap_or_default()),
        (Err(e), _) | (_, Err(e)) => {
            tracing::warn!(identity = %target.identity_id, error = %e, "verification lookup failed; will retry");
            let answers = vec![format!("{}\t(no answer: {})", e.name, e.reason)];
            let since = target.problem_since;
            db::record_check(
                pool,
                target.identity_id,
                status.as_str(),
                since,
                &answers,
                Some(policy.retry_every.as_secs_f64()),
            )
            .await?;
            return Ok(status);
        }
    };

    let token_found = verification.iter().any(|v| v == &target.verification_token);
    let key_found = target
        .dkim_public_key
        .as_deref()
        .is_some_and(|key| dkim.iter().any(|v| records::dkim_answer_matches(v, key)));
    let now = OffsetDateTime::now_utc();
    let transition = next_state(
        status,
        token_found || key_found,
        target.verification_started_at.unix_timestamp(),
        target.problem_since.map(OffsetDateTime::unix_timestamp),
        now.unix_timestamp(),
        policy,
    );
    let mut answers: Vec<String> = verification
        .iter()
        .map(|v| format!("{verification_name}\t{v}"))
        .collect();
    if let Some(name) = &dkim_name {
        answers.extend(dkim.iter().map(|v| format!("{name}\t{v}")));
    }
    let problem_since = transition
        .problem_since
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
    let mut tx = pool.begin().await?;
    db::record_check(
        &mut *tx,
        target.identity_id,
        transition.status.as_str(),
        problem_since,
        &answers,
        transition.next_check_in.map(|d: Duration| d.as_secs_f64()),
    )
    .await?;
    if transition.status != status {
        tracing::info!(identity = %target.identity_id, domain = %target.name, from = status.as_str(), to = transition.status.as_str(), "verification status changed");
        let kind = match transition.status {
            VerificationStatus::Success => Some(AuditKind::IdentityVerified),
            VerificationStatus::Failed => Some(AuditKind::IdentityVerificationFailed),
            _ => None,
        };
        if let Some(kind) = kind {
            let change = Change::new(kind, "").on(target.identity_id, &target.name);
            let actor = Actor::sesame("verification");
            audit::record(&mut *tx, &target.account_id, &actor, change).await?;
        }
    }
    tx.commit().await?;
    Ok(transition.status)
}
