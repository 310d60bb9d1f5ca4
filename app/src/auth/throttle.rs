//! Throttling of password guesses — console sign-in and SMTP AUTH — kept in Postgres so
//! every Sesame process shares it, and reserved *before* the password is checked: each
//! attempt counts as a failure the moment it starts, in one atomic statement per key, so a
//! burst of concurrent guesses gets no more checks than the limit however fast it arrives.
//!
//! Three keys, each with some free attempts in a 15-minute window: the pair of client
//! address and user (a few: a guesser at one account), the user alone (more: guessing
//! spread over many addresses) and the address alone (many: one address trying many
//! users). Past its free attempts a key admits one attempt per back-off period (2ⁿ
//! seconds, at most 15 minutes) and refuses the rest before any hashing (429; SMTP 454).
//! The pair key is the tight one, so a stranger elsewhere cannot lock a user out; a
//! successful attempt gives its place back and clears the user's failures.

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::AppError;

const WINDOW_SECS: f64 = 15.0 * 60.0;
const MAX_BLOCK_SECS: f64 = 15.0 * 60.0;
/// Free attempts per key in a window, the tightest first: the pair of client address and
/// user, the user alone, the address alone.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub per_address_and_user: i32,
    pub per_user: i32,
    pub per_address: i32,
}

/// Console sign-ins.
pub const SIGN_IN: Allowance = Allowance {
    per_address_and_user: 5,
    per_user: 50,
    per_address: 100,
};

/// The keys an attempt is counted under (`scope` keeps sign-in and SMTP apart), tightest
/// first, with their free attempts.
fn keys(scope: &str, allowance: Allowance, ip: &str, user: &str) -> [(String, i32); 3] {
    [
        (
            format!("{scope}:pair:{ip} {user}"),
            allowance.per_address_and_user,
        ),
        (format!("{scope}:user:{user}"), allowance.per_user),
        (format!("{scope}:ip:{ip}"), allowance.per_address),
    ]
}

/// Counts an attempt by `user` from `ip` under every key before its password is checked;
/// `Throttled` when a key is blocked (the keys after it are then left alone).
pub async fn reserve(
    pool: &PgPool,
    (scope, allowance): (&str, Allowance),
    ip: &str,
    user: &str,
) -> Result<(), AppError> {
    for (key, free) in keys(scope, allowance, ip, user) {
        // `previous` locks the row and reads it as it was: the attempt is admitted unless
        // the key was blocked already. Counting past the free attempts blocks the key for
        // the next back-off period, in the same statement, so concurrent attempts queue on
        // the row lock and see the block.
        let row = sqlx::query!(
            // language=PostgreSQL
            r#"with previous as (
                   select blocked_until from sign_in_throttle where throttle_key = $1 for update),
               counted as (
                   insert into sign_in_throttle as t (throttle_key, failures, window_started_at)
                   values ($1, 1, now())
                   on conflict (throttle_key) do update set
                       failures = case when t.window_started_at < now() - make_interval(secs => $2)
                                       then 1 else t.failures + 1 end,
                       window_started_at = case when t.window_started_at < now() - make_interval(secs => $2)
                                                then now() else t.window_started_at end,
                       blocked_until = case
                           when t.blocked_until > now() then t.blocked_until
                           when t.window_started_at >= now() - make_interval(secs => $2)
                                and t.failures + 1 > $3
                           then now() + make_interval(secs => least(power(2, t.failures + 1 - $3), $4))
                           else null end
                   returning failures)
               select (select blocked_until from previous) as blocked_until,
                      (select failures from counted) as "failures!""#,
            key,
            WINDOW_SECS,
            free,
            MAX_BLOCK_SECS
        )
        .fetch_one(pool)
        .await?;
        if let Some(until) = row.blocked_until.filter(|u| *u > OffsetDateTime::now_utc()) {
            let wait = (until - OffsetDateTime::now_utc()).whole_seconds().max(0) as u64 + 1;
            return Err(AppError::Throttled {
                retry_after_secs: wait,
            });
        }
    }
    Ok(())
}

/// After a successful attempt: the user's failures are forgotten, and the address gets its
/// attempt back.
pub async fn release(
    pool: &PgPool,
    (scope, allowance): (&str, Allowance),
    ip: &str,
    user: &str,
) -> Result<(), AppError> {
    let [(pair, _), (user, _), (address, _)] = keys(scope, allowance, ip, user);
    sqlx::query!(
        // language=PostgreSQL
        r#"with forgotten as (delete from sign_in_throttle where throttle_key = any($1))
           update sign_in_throttle set failures = greatest(failures - 1, 0)
           where throttle_key = $2"#,
        &[pair, user][..],
        address
    )
    .execute(pool)
    .await?;
    Ok(())
}
