//! The registry of signed-in user sessions (table `user_session`). Signing in registers a
//! session under a random handle kept in the session's claims; every request of the
//! session finds its row or is signed out, so deleting rows ends sessions wherever their
//! cookies are: the user ending one on the Security page, a password change ending the
//! others, a reset or an admin ending all of a user's. Operators' sessions are not
//! registered (they belong to no account).

use std::{net::IpAddr, time::Duration};

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::{AccountId, UserId};

/// How stale a session's `last_seen_at` may get: its requests touch the row at most this
/// often, so a busy session writes once a minute, not once a request.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// How long a session lives: from sign-in, and from its last request.
#[derive(Debug, Clone, Copy)]
pub struct SessionLimits {
    /// A session ends this long after sign-in, however active it is.
    pub lifetime: Duration,
    /// A session ends this long after its last request.
    pub idle: Duration,
}

impl SessionLimits {
    /// The longest a registered session can have been idle and still be live: the idle
    /// timeout plus the touch interval (its last requests may not have touched the row).
    fn idle_secs(&self) -> f64 {
        (self.idle + TOUCH_EVERY).as_secs_f64()
    }
}

/// The longest user agent kept; a client may send anything.
const MAX_USER_AGENT_CHARS: usize = 200;

/// A user agent as stored and shown: control and invisible characters dropped, at most
/// [`MAX_USER_AGENT_CHARS`].
pub fn clean_user_agent(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control() && !crate::text::is_invisible(*c))
        .take(MAX_USER_AGENT_CHARS)
        .collect()
}

/// The most sessions a user has at once: signing in once more ends the least recently
/// seen, so a script signing in over and over cannot grow the table without bound.
pub const MAX_SESSIONS_PER_USER: i64 = 50;

/// Registers a new session of `user` and returns its handle, ending the user's least
/// recently seen sessions beyond [`MAX_SESSIONS_PER_USER`]. A sign-in that checked the
/// password as of `password_checked_at` registers only if it has not changed since (`None`:
/// the password was set just now, by the sign-up or invitation signing in); `None` is
/// returned otherwise.
pub async fn register(
    db: impl PgExecutor<'_>,
    user: UserId,
    client: IpAddr,
    user_agent: &str,
    password_checked_at: Option<OffsetDateTime>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let handle = Uuid::new_v4();
    // The statement's snapshot predates the insert: keeping the newest MAX - 1 earlier
    // sessions leaves MAX with the new one.
    let added = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with added as (
               insert into user_session (handle, user_id, client_address, user_agent)
               select $1, $2, $3, $4 from account_user
               where user_id = $2
                 and ($6::timestamptz is null or password_changed_at is null
                      or password_changed_at <= $6)
               returning handle),
           ended as (
               delete from user_session
               where exists (select 1 from added)
                 and handle in (select handle from user_session where user_id = $2
                                order by last_seen_at desc, signed_in_at desc
                                offset $5::int8 - 1))
           select count(*) as "added!" from added"#,
        handle,
        user as UserId,
        client.to_string(),
        user_agent,
        MAX_SESSIONS_PER_USER,
        password_checked_at
    )
    .fetch_one(db)
    .await?;
    Ok((added > 0).then_some(handle))
}

/// Records a request of the session: the time and the client's address, at most once a
/// [`TOUCH_EVERY`] (every request of a signed-in user comes here).
pub async fn touch(
    db: impl PgExecutor<'_>,
    user: UserId,
    handle: Uuid,
    client: IpAddr,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"update user_session set last_seen_at = now(), client_address = $3
           where handle = $2 and user_id = $1
             and last_seen_at < now() - make_interval(secs => $4)"#,
        user as UserId,
        handle,
        client.to_string(),
        TOUCH_EVERY.as_secs_f64()
    )
    .execute(db)
    .await?;
    Ok(())
}

/// One of a user's live sessions, as the Security page lists it.
pub struct SessionRow {
    pub handle: Uuid,
    pub signed_in_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub client_address: String,
    pub user_agent: String,
}

/// The user's live sessions, the most recently seen first.
pub async fn list(
    db: impl PgExecutor<'_>,
    user: UserId,
    limits: SessionLimits,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        // language=PostgreSQL
        r#"select handle, signed_in_at, last_seen_at, client_address, user_agent
           from user_session
           where user_id = $1
             and signed_in_at > now() - make_interval(secs => $2)
             and last_seen_at > now() - make_interval(secs => $3)
           order by last_seen_at desc, signed_in_at desc"#,
        user as UserId,
        limits.lifetime.as_secs_f64(),
        limits.idle_secs()
    )
    .fetch_all(db)
    .await
}

/// Ends one of the user's sessions; false when the user has no such session.
pub async fn end(db: impl PgExecutor<'_>, user: UserId, handle: Uuid) -> Result<bool, sqlx::Error> {
    let ended = sqlx::query!(
        // language=PostgreSQL
        r#"delete from user_session where user_id = $1 and handle = $2"#,
        user as UserId,
        handle
    )
    .execute(db)
    .await?;
    Ok(ended.rows_affected() > 0)
}

/// Ends every session of the user but `keep`; returns how many.
pub async fn end_all_but(
    db: impl PgExecutor<'_>,
    user: UserId,
    keep: Uuid,
) -> Result<u64, sqlx::Error> {
    let ended = sqlx::query!(
        // language=PostgreSQL
        r#"delete from user_session where user_id = $1 and handle <> $2"#,
        user as UserId,
        keep
    )
    .execute(db)
    .await?;
    Ok(ended.rows_affected())
}

/// Ends every session of a user of `account` (an admin's action); false when the account
/// has no such user.
pub async fn end_all_of_user(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    user: UserId,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with ended as (
               delete from user_session s using account_user u
               where s.user_id = u.user_id and u.user_id = $1 and u.account_id = $2)
           select count(*) as "found!" from account_user where user_id = $1 and account_id = $2"#,
        user as UserId,
        account as &AccountId
    )
    .fetch_one(db)
    .await?;
    Ok(found > 0)
}

/// Deletes sessions past their lifetime or idle timeout (the sweeper).
pub async fn forget_ended(
    db: impl PgExecutor<'_>,
    limits: SessionLimits,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from user_session
           where signed_in_at <= now() - make_interval(secs => $1)
              or last_seen_at <= now() - make_interval(secs => $2)"#,
        limits.lifetime.as_secs_f64(),
        limits.idle_secs()
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}
