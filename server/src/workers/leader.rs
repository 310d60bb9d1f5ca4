//! Jobs that must run in one process at a time, however many share the database: each
//! round takes a Postgres advisory lock in a transaction of its own and skips the round
//! when another process holds it. The lock ends with that transaction — committed after
//! the round, rolled back if the round's task dies, dropped with a process that dies — so
//! another process takes over at its next round.

use std::future::Future;

use sqlx::PgPool;

/// The advisory lock of each singleton job (one number per job, in Sesame's own range).
#[derive(Debug, Clone, Copy)]
#[repr(i64)]
pub enum Singleton {
    /// Judging reputation and forgetting old statistics.
    Reputation = 0x5e5a_0001,
}

/// Runs `round` if no other process is running this job now; None when one is.
pub async fn run_alone<T, F>(
    pool: &PgPool,
    job: Singleton,
    round: F,
) -> Result<Option<T>, sqlx::Error>
where
    F: Future<Output = T>,
{
    let mut holder = pool.begin().await?;
    let ours = sqlx::query_scalar!("select pg_try_advisory_xact_lock($1)", job as i64)
        .fetch_one(&mut *holder)
        .await?
        .unwrap_or(false);
    if !ours {
        return Ok(None);
    }
    let done = round.await;
    holder.commit().await?;
    Ok(Some(done))
}
