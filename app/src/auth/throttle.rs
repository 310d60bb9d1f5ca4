//! Sign-in throttling, per client IP and per email, kept in Postgres so every Sesame
//! process shares it.
//!
//! A key gets a few free failures in a 15-minute window; after that each failure blocks it
//! for an exponentially growing time, capped at 15 minutes. A blocked key is answered with
//! 429 *before* any password hashing, so a flood costs no CPU. No block lasts longer than
//! the cap, so an attacker cannot lock the real user out for good, and a successful sign-in
//! clears its email's count.

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::AppError;

const WINDOW_SECS: f64 = 15.0 * 60.0;
const MAX_BLOCK_SECS: f64 = 15.0 * 60.0;
const FREE_FAILURES_PER_EMAIL: i32 = 5;
const FREE_FAILURES_PER_IP: i32 = 20;

fn keys(ip: &str, email: &str) -> [(String, i32); 2] {
    [
        (format!("ip:{ip}"), FREE_FAILURES_PER_IP),
        (format!("email:{email}"), FREE_FAILURES_PER_EMAIL),
    ]
}

/// Fails with `Throttled` while either key is blocked.
pub async fn check(pool: &PgPool, ip: &str, email: &str) -> Result<(), AppError> {
    let keys: Vec<String> = keys(ip, email).into_iter().map(|(k, _)| k).collect();
    let blocked_until = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select max(blocked_until) from sign_in_throttle
           where throttle_key = any($1) and blocked_until > now()"#,
        &keys
    )
    .fetch_one(pool)
    .await?;
    match blocked_until {
        Some(until) => {
            let wait = (until - OffsetDateTime::now_utc()).whole_seconds().max(0) as u64 + 1;
            Err(AppError::Throttled {
                retry_after_secs: wait,
            })
        }
        None => Ok(()),
    }
}

/// Counts a failed sign-in against both keys and blocks those past their free failures.
pub async fn record_failure(pool: &PgPool, ip: &str, email: &str) -> Result<(), AppError> {
    for (key, free) in keys(ip, email) {
        sqlx::query!(
            // language=PostgreSQL
            r#"insert into sign_in_throttle as t (throttle_key, failures, window_started_at)
               values ($1, 1, now())
               on conflict (throttle_key) do update set
                   failures = case when t.window_started_at < now() - make_interval(secs => $2)
                                   then 1 else t.failures + 1 end,
                   window_started_at = case when t.window_started_at < now() - make_interval(secs => $2)
                                            then now() else t.window_started_at end"#,
            key,
            WINDOW_SECS
        )
        .execute(pool)
        .await?;
        sqlx::query!(
            // language=PostgreSQL
            r#"update sign_in_throttle
               set blocked_until = now() + make_interval(secs => least(power(2, failures - $2), $3))
               where throttle_key = $1 and failures > $2"#,
            key,
            free,
            MAX_BLOCK_SECS
        )
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Forgets an email's failures after a successful sign-in (the IP's count stays).
pub async fn clear_email(pool: &PgPool, email: &str) -> Result<(), AppError> {
    sqlx::query!(
        // language=PostgreSQL
        r#"delete from sign_in_throttle where throttle_key = $1"#,
        format!("email:{email}")
    )
    .execute(pool)
    .await?;
    Ok(())
}
