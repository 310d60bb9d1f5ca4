//! Queries on the suppression list. Every function takes the account first and filters by
//! it; addresses are kept lower-cased.

use std::collections::HashSet;

use sqlx::{PgExecutor, PgPool};
use time::OffsetDateTime;

use super::SuppressedDestination;
use crate::{
    audit::{self, Actor, AuditKind, Change},
    ids::AccountId,
    server::shown::shown,
};

/// A row of the list.
pub struct Entry {
    pub email_address: String,
    pub reason: String,
    pub message_id: Option<String>,
    pub last_update: OffsetDateTime,
}

impl From<Entry> for SuppressedDestination {
    fn from(entry: Entry) -> Self {
        Self {
            email_address: entry.email_address,
            reason: entry.reason,
            message_id: entry.message_id,
            last_update: shown(entry.last_update),
        }
    }
}

/// `BOUNCE` or `COMPLAINT`, as SES v2 spells the reasons.
pub fn parse_reason(reason: &str) -> Option<&'static str> {
    match reason.to_ascii_uppercase().as_str() {
        "BOUNCE" => Some("BOUNCE"),
        "COMPLAINT" => Some("COMPLAINT"),
        _ => None,
    }
}

/// One page of the list, newest first: addresses containing `search` (any case) with
/// `reason` if given, after skipping `offset`.
pub async fn list(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    search: Option<&str>,
    reason: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    let pattern = search.map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_', '\\'], "")));
    sqlx::query_as!(
        Entry,
        // language=PostgreSQL
        r#"select email_address, reason, message_id, last_update from suppressed_destination
           where account_id = $1 and ($2::text is null or email_address like $2)
             and ($3::text is null or reason = $3)
           order by last_update desc, email_address
           limit $4 offset $5"#,
        account.as_str(),
        pattern,
        reason,
        limit,
        offset
    )
    .fetch_all(db)
    .await
}

pub async fn get(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    address: &str,
) -> Result<Option<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        // language=PostgreSQL
        r#"select email_address, reason, message_id, last_update from suppressed_destination
           where account_id = $1 and email_address = lower($2)"#,
        account.as_str(),
        address
    )
    .fetch_optional(db)
    .await
}

/// Adds (or updates) an address by hand, recorded for `actor`.
pub async fn put(
    pool: &PgPool,
    account: &AccountId,
    address: &str,
    reason: &str,
    actor: &Actor,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        // language=PostgreSQL
        r#"select from suppress_destination($1, $2, $3, null)"#,
        account.as_str(),
        address,
        reason
    )
    .execute(&mut *tx)
    .await?;
    let subject = format!("{} ({reason})", address.to_lowercase());
    let change = Change::new(AuditKind::SuppressionAdded, &subject);
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await
}

/// Removes an address by hand, recorded for `actor`; false if it was not on the list.
pub async fn delete(
    pool: &PgPool,
    account: &AccountId,
    address: &str,
    actor: &Actor,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from suppressed_destination where account_id = $1 and email_address = lower($2)"#,
        account.as_str(),
        address
    )
    .execute(&mut *tx)
    .await?;
    if deleted.rows_affected() != 1 {
        return Ok(false);
    }
    let subject = address.to_lowercase();
    let change = Change::new(AuditKind::SuppressionRemoved, &subject);
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await?;
    Ok(true)
}

/// Which of the (account, address) pairs are suppressed, as (account, lower-cased address).
pub async fn suppressed_among(
    db: impl PgExecutor<'_>,
    accounts: &[&str],
    addresses: &[&str],
) -> Result<HashSet<(String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select s.account_id, s.email_address
           from unnest($1::text[], $2::text[]) as p(account_id, address)
           join suppressed_destination s
             on s.account_id = p.account_id and s.email_address = lower(p.address)"#,
        accounts as &[&str],
        addresses as &[&str]
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.account_id, r.email_address))
        .collect())
}
