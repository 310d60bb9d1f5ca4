//! Partner links in the database: made under the identity's lock (so at most `MAX_OPEN`
//! are open), read by their owner, and found and accepted by the token's SHA-256.

use sqlx::{PgExecutor, PgTransaction};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::AccountId;

/// Locks the owner's identity and counts its open links. None: no such identity.
pub async fn lock_and_count_open(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<i64>, sqlx::Error> {
    let found = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select identity_id from identity where account_id = $1 and identity_id = $2 for update"#,
        account.as_str(),
        identity
    )
    .fetch_optional(&mut **tx)
    .await?;
    if found.is_none() {
        return Ok(None);
    }
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select count(*) as "open!" from partner_invitation
           where identity_id = $1 and partner_id is null and expires_at > now()"#,
        identity
    )
    .fetch_one(&mut **tx)
    .await
    .map(Some)
}

/// Stores a new link for the identity, valid for `days`.
pub async fn insert(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
    token: &str,
    days: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into partner_invitation (invitation_id, token_hash, account_id, identity_id, expires_at)
           values ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3, $4,
                   now() + make_interval(days => $5::int))"#,
        Uuid::new_v4(),
        token,
        account.as_str(),
        identity,
        days as i32
    )
    .execute(db)
    .await?;
    Ok(())
}

/// How many of an identity's links its owner sees (the open ones, at most `MAX_OPEN`,
/// among them).
const LISTED: i64 = 50;

/// One of an identity's links, with the partner that accepted it.
pub struct LinkRow {
    pub invitation_id: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub partner_id: Option<String>,
    pub partner_name: Option<String>,
}

/// The identity's latest `LISTED` links that are open or accepted, newest first; expired
/// ones that were never accepted are of no use and are left out.
pub async fn list(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    sqlx::query_as!(
        LinkRow,
        // language=PostgreSQL
        r#"select i.invitation_id, i.created_at, i.expires_at, i.partner_id,
                  p.name as "partner_name?"
           from partner_invitation i left join account p on p.account_id = i.partner_id
           where i.account_id = $1 and i.identity_id = $2
             and (i.partner_id is not null or i.expires_at > now())
           order by i.created_at desc limit $3"#,
        account.as_str(),
        identity,
        LISTED
    )
    .fetch_all(db)
    .await
}

/// Withdraws an open link (an accepted one stays: it only records who the partner is).
/// False: no such open link of the account's.
pub async fn withdraw(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    invitation: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        // language=PostgreSQL
        r#"delete from partner_invitation
           where account_id = $1 and invitation_id = $2 and partner_id is null"#,
        account.as_str(),
        invitation
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A link found by its token, as its reader is told about it.
pub struct FoundLink {
    pub owner_id: String,
    pub owner_name: String,
    pub identity: String,
    pub region: String,
    pub expired: bool,
    pub partner_id: Option<String>,
}

/// The link whose token is `token`, if any. An owner account that is disabled has no
/// links.
pub async fn find(db: impl PgExecutor<'_>, token: &str) -> Result<Option<FoundLink>, sqlx::Error> {
    sqlx::query_as!(
        FoundLink,
        // language=PostgreSQL
        r#"select i.account_id as owner_id, a.name as owner_name, d.name as identity, d.region,
                  i.expires_at <= now() as "expired!", i.partner_id
           from partner_invitation i
           join account a on a.account_id = i.account_id and a.disabled_at is null
           join identity d on d.identity_id = i.identity_id
           where i.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')"#,
        token
    )
    .fetch_optional(db)
    .await
}

/// Accepts the open, unexpired link `token` for `partner` (another account than its
/// owner's). False: it was not open to this account any more (used, expired or withdrawn
/// meanwhile); the caller reads it again to say which.
pub async fn accept(
    db: impl PgExecutor<'_>,
    token: &str,
    partner: &AccountId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        // language=PostgreSQL
        r#"update partner_invitation set partner_id = $2, accepted_at = now()
           where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
             and partner_id is null and expires_at > now() and account_id <> $2
             and exists (select 1 from account a
                         where a.account_id = partner_invitation.account_id and a.disabled_at is null)"#,
        token,
        partner.as_str()
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}
