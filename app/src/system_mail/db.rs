//! The system-mail outbox: queued in the transaction of the change it reports, claimed by
//! the workers under a lease (`FOR UPDATE SKIP LOCKED`, so any number of processes share
//! it and a crashed worker's claims come back), and settled with the route's answer.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::AccountId;

pub struct NewSystemMail<'a> {
    pub system_mail_id: Uuid,
    pub account: Option<&'a AccountId>,
    pub requested_by: Option<&'a AccountId>,
    pub identity: Option<Uuid>,
    pub sender: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub raw: &'a [u8],
}

pub async fn insert(db: impl PgExecutor<'_>, new: &NewSystemMail<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into system_mail (system_mail_id, account_id, identity_id, sender, recipient, subject, raw, requested_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8)"#,
        new.system_mail_id,
        new.account.map(AccountId::as_str),
        new.identity,
        new.sender,
        new.recipient,
        new.subject,
        new.raw,
        new.requested_by.map(AccountId::as_str)
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Verification mails queued in the last hour: by `account`, and to `recipient` by anyone.
pub async fn verifications_last_hour(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    recipient: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select (select count(*) from system_mail
                   where account_id = $1 and identity_id is not null
                     and created_at > now() - interval '1 hour') as "by_account!",
                  (select count(*) from system_mail
                   where recipient = $2 and identity_id is not null
                     and created_at > now() - interval '1 hour') as "to_recipient!""#,
        account.as_str(),
        recipient
    )
    .fetch_one(db)
    .await?;
    Ok((row.by_account, row.to_recipient))
}

/// Gives up the identity's mails still waiting: they carry a link that no longer works.
pub async fn supersede(db: impl PgExecutor<'_>, identity: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"update system_mail
           set status = 'Failed', last_reply = 'superseded by a newer verification mail',
               finished_at = now()
           where identity_id = $1 and status = 'Pending'"#,
        identity
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A system mail claimed for one attempt.
pub struct Claimed {
    pub system_mail_id: Uuid,
    /// The account it concerns (whose Mailbox keeps a sink copy), if there is one yet.
    pub account_id: Option<AccountId>,
    pub sender: String,
    pub recipient: String,
    pub raw: Vec<u8>,
    /// Attempts so far, this one included.
    pub attempts: i32,
    pub created_at: OffsetDateTime,
}

/// Claims up to `limit` due mails; each is the claimer's for `lease_secs`.
pub async fn claim_due(
    db: impl PgExecutor<'_>,
    limit: i64,
    lease_secs: f64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"with due as (
               select system_mail_id from system_mail
               where status = 'Pending' and next_attempt_at <= now()
               order by next_attempt_at
               limit $1
               for update skip locked)
           update system_mail s
           set attempts = s.attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
           from due
           where s.system_mail_id = due.system_mail_id
           returning s.system_mail_id, s.account_id as "account_id?: AccountId", s.sender,
                     s.recipient, s.raw, s.attempts, s.created_at"#,
        limit,
        lease_secs
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Claimed {
            system_mail_id: r.system_mail_id,
            account_id: r.account_id,
            sender: r.sender,
            recipient: r.recipient,
            raw: r.raw,
            attempts: r.attempts,
            created_at: r.created_at,
        })
        .collect())
}

/// What became of one attempt.
pub enum Settled {
    Delivered,
    /// Try again then (the route answered 4xx or not at all).
    RetryAt(OffsetDateTime),
    /// Given up: refused for good (5xx), or still failing at the maximum age.
    Failed,
}

/// Records the answer (`reply`, from `remote_host`) to the attempt `mail` was claimed for,
/// and what follows from it — unless another worker has claimed the mail since (the lease
/// ran out): its attempt is the one that counts.
pub async fn settle(
    db: impl PgExecutor<'_>,
    mail: &Claimed,
    remote_host: &str,
    reply: &str,
    settled: &Settled,
) -> Result<(), sqlx::Error> {
    let (status, retry_at) = match settled {
        Settled::Delivered => ("Delivered", None),
        Settled::RetryAt(at) => ("Pending", Some(*at)),
        Settled::Failed => ("Failed", None),
    };
    sqlx::query!(
        // language=PostgreSQL
        r#"update system_mail
           set status = $2, remote_host = $3, last_reply = $4,
               next_attempt_at = coalesce($5, next_attempt_at),
               finished_at = case when $2 = 'Pending' then null else now() end
           where system_mail_id = $1 and attempts = $6 and status = 'Pending'"#,
        mail.system_mail_id,
        status,
        remote_host,
        reply,
        retry_at,
        mail.attempts
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How the newest mail about an identity fared, for its page.
pub struct Delivery {
    pub recipient: String,
    pub status: String,
    pub attempts: i32,
    pub last_reply: Option<String>,
    pub remote_host: Option<String>,
    pub created_at: OffsetDateTime,
}

pub async fn latest_for_identity(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<Delivery>, sqlx::Error> {
    sqlx::query_as!(
        Delivery,
        // language=PostgreSQL
        r#"select recipient, status, attempts, last_reply, remote_host, created_at
           from system_mail
           where account_id = $1 and identity_id = $2
           order by created_at desc
           limit 1"#,
        account.as_str(),
        identity
    )
    .fetch_optional(db)
    .await
}

/// The newest of Sesame's mails to `recipient`, as composed.
pub async fn latest_to(
    db: impl PgExecutor<'_>,
    recipient: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select raw from system_mail where recipient = $1 order by created_at desc limit 1"#,
        recipient
    )
    .fetch_optional(db)
    .await
}

/// Takes the transaction's lock on mail about no account to `recipient` (sign-up and
/// invitation links): the hourly counts below are then exact under concurrent requests.
pub async fn lock_links_to(db: impl PgExecutor<'_>, recipient: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"select pg_advisory_xact_lock(hashtextextended('links-to:' || $1, 0))"#,
        recipient
    )
    .fetch_one(db)
    .await?;
    Ok(())
}

/// Mail about no account (sign-up and invitation links and notices) queued in the last
/// hour: to `recipient` from everyone, and at the request of `account` (if given).
pub async fn links_last_hour(
    db: impl PgExecutor<'_>,
    recipient: &str,
    account: Option<&AccountId>,
) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select (select count(*) from system_mail
                   where recipient = $1 and account_id is null
                     and created_at > now() - interval '1 hour') as "to_recipient!",
                  (select count(*) from system_mail
                   where requested_by = $2 and created_at > now() - interval '1 hour') as "by_account!""#,
        recipient,
        account.map(AccountId::as_str)
    )
    .fetch_one(db)
    .await?;
    Ok((row.to_recipient, row.by_account))
}
