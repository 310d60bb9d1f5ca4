//! Housekeeping every ten minutes: expired sessions (the store ignores them already) and
//! registry rows past their lifetime or idle timeout (the Security page lists only live
//! ones), spent sign-in throttle keys (a guesser trying ever new names adds a row per try),
//! sign-ups whose link expired, invitations a month past expiry and audit entries past
//! their retention are deleted, so no such table grows without end. Deleting twice is harmless, so every process may run it.

use std::time::Duration;

use app::auth::registry::{self, SessionLimits};
use sqlx::PgPool;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

const EVERY: Duration = Duration::from_secs(600);
/// How long the users page goes on showing an expired invitation.
const EXPIRED_INVITATIONS_SHOWN: Duration = Duration::from_secs(30 * 24 * 3600);

/// Runs until the process stops.
pub fn spawn(
    workers: &super::Workers,
    pool: PgPool,
    limits: SessionLimits,
    audit_retention_days: u32,
) {
    let sessions = PostgresStore::new(pool.clone());
    workers.every("sweeper", EVERY, move || {
        let (pool, sessions) = (pool.clone(), sessions.clone());
        async move { sweep(&pool, &sessions, limits, audit_retention_days).await }
    });
}

async fn sweep(
    pool: &PgPool,
    sessions: &PostgresStore,
    limits: SessionLimits,
    audit_retention_days: u32,
) {
    if let Err(e) = sessions.delete_expired().await {
        tracing::warn!(error = %e, "could not delete expired sessions");
    }
    if let Err(e) = registry::forget_ended(pool, limits).await {
        tracing::warn!(error = %e, "could not delete ended sessions from the registry");
    }
    if let Err(e) = app::auth::throttle::sweep(pool).await {
        tracing::warn!(error = %e, "could not delete spent sign-in throttle keys");
    }
    let sign_ups = app::auth::registration::LINK_VALIDITY.as_secs_f64();
    if let Err(e) = app::auth::db::forget_expired_sign_ups(pool, sign_ups).await {
        tracing::warn!(error = %e, "could not delete expired sign-ups");
    }
    let resets = app::auth::password_reset::LINK_VALIDITY.as_secs_f64();
    if let Err(e) = app::auth::db::forget_expired_password_resets(pool, resets).await {
        tracing::warn!(error = %e, "could not delete expired password resets");
    }
    let invitations = app::users::invitations::VALIDITY.as_secs_f64();
    let shown = EXPIRED_INVITATIONS_SHOWN.as_secs_f64();
    if let Err(e) = app::users::db::forget_old_invitations(pool, invitations, shown).await {
        tracing::warn!(error = %e, "could not delete old invitations");
    }
    if let Err(e) = app::audit::db::forget_older_than(pool, audit_retention_days).await {
        tracing::warn!(error = %e, "could not delete audit entries past their retention");
    }
    let withdrawals = app::policies::WITHDRAWALS_SHOWN_DAYS;
    if let Err(e) = app::policies::db::forget_old_withdrawals(pool, withdrawals).await {
        tracing::warn!(error = %e, "could not delete old grant withdrawals");
    }
}
