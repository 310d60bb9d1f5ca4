//! Housekeeping every ten minutes: expired sessions (the store already ignores them) and
//! spent sign-in throttle keys (a guesser trying ever new names adds a row per try) are
//! deleted, so neither table grows without end. Deleting twice is harmless, so every
//! process may run it.

use std::time::Duration;

use sqlx::PgPool;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions_sqlx_store::PostgresStore;

const EVERY: Duration = Duration::from_secs(600);

/// Runs forever (until the process stops).
pub fn spawn(pool: PgPool) {
    let sessions = PostgresStore::new(pool.clone());
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        loop {
            ticks.tick().await;
            if let Err(e) = sessions.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            if let Err(e) = app::auth::throttle::sweep(&pool).await {
                tracing::warn!(error = %e, "could not delete spent sign-in throttle keys");
            }
        }
    });
}
