//! Throttling of password guesses — console sign-in and SMTP AUTH — kept in Postgres so
//! every Sesame process shares it, and reserved *before* the password is checked: each
//! attempt counts as a failure the moment it starts, in one atomic statement per key, so a
//! burst of concurrent guesses gets no more checks than the limit however fast it arrives.
//!
//! Three keys, each with some free attempts in a 15-minute window: the pair of client
//! address and user (a few: a guesser at one account), the address alone (many: one
//! address trying many users) and the user alone (very many: guessing spread over a
//! botnet). Past its free attempts a key admits one attempt per back-off period (2ⁿ
//! seconds, at most 15 minutes) and refuses the rest before any hashing (429; SMTP 454).
//! The pair key is the tight one: from one address a stranger runs into its own pair and
//! address limits long before the user's, so locking a user out takes hundreds of
//! addresses. A successful attempt clears the user's failures. An IPv6 client counts as
//! its /64 (`client_group`): one subscriber holds 2⁶⁴ addresses, so per address would
//! limit nothing. Expired rows are swept (`sweep`).

use std::net::{IpAddr, Ipv6Addr};

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::error::AppError;

const WINDOW_SECS: f64 = 15.0 * 60.0;
const MAX_BLOCK_SECS: f64 = 15.0 * 60.0;
/// Free attempts per key in a window: the pair of client address and user, the address
/// alone, the user alone.
#[derive(Debug, Clone, Copy)]
pub struct Allowance {
    pub per_address_and_user: i32,
    pub per_user: i32,
    pub per_address: i32,
}

/// Console sign-ins.
pub const SIGN_IN: Allowance = Allowance {
    per_address_and_user: 5,
    per_user: 500,
    per_address: 100,
};

/// Second-factor codes: one in a million guesses a six-digit code (three, with the drift
/// allowed), and whoever is guessing has the password already, so the user's allowance is
/// small — a few dozen guesses an hour, not thousands.
pub const SECOND_FACTOR: Allowance = Allowance {
    per_address_and_user: 5,
    per_user: 10,
    per_address: 100,
};

/// The part of a client's address it cannot change at will: an IPv4 address (IPv4-mapped
/// IPv6 included), or the /64 network of an IPv6 one, the smallest allocation a subscriber
/// gets. Shown as the network (`2001:db8:1:2::/64`).
pub fn client_group(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let network = Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX));
                format!("{network}/64")
            }
        },
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// The keys an attempt is counted under (`scope` keeps sign-in and SMTP apart), tightest
/// first, with their free attempts.
fn keys(scope: &str, allowance: Allowance, ip: IpAddr, user: &str) -> [(String, i32); 3] {
    let ip = client_group(ip);
    [
        (
            format!("{scope}:pair:{ip} {user}"),
            allowance.per_address_and_user,
        ),
        (format!("{scope}:ip:{ip}"), allowance.per_address),
        (format!("{scope}:user:{user}"), allowance.per_user),
    ]
}

/// Counts an attempt by `user` from `ip` under every key before its password is checked;
/// `Throttled` when a key is blocked (the keys after it are then left alone).
pub async fn reserve(
    pool: &PgPool,
    (scope, allowance): (&str, Allowance),
    ip: IpAddr,
    user: &str,
) -> Result<(), AppError> {
    for (key, free) in keys(scope, allowance, ip, user) {
        // One upsert per key. On conflict it works on the row it locked, the newest
        // version whatever committed meanwhile, so concurrent attempts queue on the lock:
        // the attempt is admitted unless the key was blocked already, and counting past
        // the free attempts blocks the key for the next back-off period.
        let row = sqlx::query!(
            // language=PostgreSQL
            r#"insert into sign_in_throttle as t (throttle_key, failures, window_started_at, admitted)
               values ($1, 1, now(), true)
               on conflict (throttle_key) do update set
                   admitted = t.blocked_until is null or t.blocked_until <= now(),
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
               returning admitted, blocked_until"#,
            key,
            WINDOW_SECS,
            free,
            MAX_BLOCK_SECS
        )
        .fetch_one(pool)
        .await?;
        if !row.admitted {
            let until = row.blocked_until.unwrap_or_else(OffsetDateTime::now_utc);
            let wait = (until - OffsetDateTime::now_utc()).whole_seconds().max(0) as u64 + 1;
            return Err(AppError::Throttled {
                retry_after_secs: wait,
            });
        }
    }
    Ok(())
}

/// After a successful attempt: the user's failures are forgotten (the address's count
/// stays — or an attacker with an account of its own could sign in between guesses to
/// wind it back).
pub async fn release(
    pool: &PgPool,
    (scope, allowance): (&str, Allowance),
    ip: IpAddr,
    user: &str,
) -> Result<(), AppError> {
    let [(pair, _), _, (user, _)] = keys(scope, allowance, ip, user);
    sqlx::query!(
        // language=PostgreSQL
        r#"delete from sign_in_throttle where throttle_key = any($1)"#,
        &[pair, user][..]
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Deletes the keys whose window has passed and that are not blocked: they would count
/// from zero anyway. Run by a periodic job, so guessing under ever new names (every try a
/// new row) does not grow the table without end.
pub async fn sweep(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let swept = sqlx::query!(
        // language=PostgreSQL
        r#"delete from sign_in_throttle
           where window_started_at < now() - make_interval(secs => $1)
             and (blocked_until is null or blocked_until < now())"#,
        WINDOW_SECS
    )
    .execute(pool)
    .await?;
    Ok(swept.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let group = |ip: &str| client_group(ip.parse().unwrap());
        assert_eq!(group("192.0.2.7"), "192.0.2.7");
        assert_eq!(group("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(group("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            group("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            "2001:db8:1:2::/64"
        );
        assert_ne!(group("2001:db8:1:3::1"), group("2001:db8:1:2::1"));
    }
}
