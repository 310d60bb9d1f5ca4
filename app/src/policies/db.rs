//! Queries on sending authorization policies. Functions on an owner's policies take the
//! account first and reach policies only through that account's identities.

use sqlx::{PgExecutor, PgTransaction};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ids::AccountId;

/// The identity a policy belongs to, as its ARN needs it.
pub struct PolicyTarget {
    pub region: String,
    pub name: String,
}

/// Locks the owner's identity (serialising policy changes on it, so the limit of 20 holds
/// under concurrency) and returns it with its policy names. None: no such identity.
pub async fn lock_identity(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<(PolicyTarget, Vec<String>)>, sqlx::Error> {
    let Some(target) = sqlx::query_as!(
        PolicyTarget,
        // language=PostgreSQL
        r#"select region, name from identity where account_id = $1 and identity_id = $2 for update"#,
        account.as_str(),
        identity
    )
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let names = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select name from identity_policy where account_id = $1 and identity_id = $2"#,
        account.as_str(),
        identity
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some((target, names)))
}

/// The owner's address identities in `region` under `domain` (or its subdomains): their
/// policies decide for their addresses even when a send names the domain's ARN.
pub async fn addresses_under(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    domain: &str,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select identity_id from identity
           where account_id = $1 and region = $2 and kind = 'email_address'
             and (split_part(name, '@', 2) = $3 or split_part(name, '@', 2) like '%.' || $3)
           order by identity_id"#,
        account.as_str(),
        region,
        domain
    )
    .fetch_all(db)
    .await
}

/// The identity a policy would belong to, without locking (for reading).
pub async fn find_target(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<PolicyTarget>, sqlx::Error> {
    sqlx::query_as!(
        PolicyTarget,
        // language=PostgreSQL
        r#"select region, name from identity where account_id = $1 and identity_id = $2"#,
        account.as_str(),
        identity
    )
    .fetch_optional(db)
    .await
}

/// Creates or replaces a policy (the caller holds the identity's lock); returns the
/// document it replaced, if any (for the audit log's diff).
pub async fn upsert_policy(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
    name: &str,
    document: &str,
    grantee_accounts: &[String],
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with replaced as (
               select document from identity_policy
               where account_id = $1 and identity_id = $2 and name = $3
           )
           insert into identity_policy (account_id, identity_id, name, document, grantee_accounts)
           values ($1, $2, $3, $4, $5)
           on conflict (identity_id, name)
           do update set document = excluded.document, grantee_accounts = excluded.grantee_accounts
           returning (select document from replaced)"#,
        account.as_str(),
        identity,
        name,
        document,
        grantee_accounts
    )
    .fetch_one(db)
    .await
}

/// Deletes a policy of the owner's identity; returns its document, None if there was none.
pub async fn delete_policy(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
    name: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"delete from identity_policy where account_id = $1 and identity_id = $2 and name = $3
           returning document"#,
        account.as_str(),
        identity,
        name
    )
    .fetch_optional(db)
    .await
}

pub struct PolicyRow {
    pub name: String,
    pub document: String,
    pub updated_at: OffsetDateTime,
}

/// The policies of the owner's identity, by name.
pub async fn list_policies(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Vec<PolicyRow>, sqlx::Error> {
    sqlx::query_as!(
        PolicyRow,
        // language=PostgreSQL
        r#"select name, document, updated_at from identity_policy
           where account_id = $1 and identity_id = $2
           order by name"#,
        account.as_str(),
        identity
    )
    .fetch_all(db)
    .await
}

/// A policy with the identity it is attached to.
pub struct AttachedPolicy {
    pub identity_name: String,
    pub policy_name: String,
    pub document: String,
}

/// The policies attached to the named identities of one owner in one region (an address
/// identity and its domain, for authorizing a send).
pub async fn policies_of(
    db: impl PgExecutor<'_>,
    owner: &AccountId,
    region: &str,
    identity_names: &[String],
) -> Result<Vec<AttachedPolicy>, sqlx::Error> {
    sqlx::query_as!(
        AttachedPolicy,
        // language=PostgreSQL
        r#"select i.name as identity_name, p.name as policy_name, p.document
           from identity i join identity_policy p using (account_id, identity_id)
           where i.account_id = $1 and i.region = $2 and i.name = any($3)
           order by p.name"#,
        owner.as_str(),
        region,
        identity_names
    )
    .fetch_all(db)
    .await
}

/// A policy of another account that names `grantee`.
pub struct SharedRow {
    pub owner_account: String,
    pub owner_name: String,
    pub region: String,
    pub kind: String,
    pub identity_name: String,
    pub verification_status: String,
    pub policy_name: String,
    pub document: String,
    pub updated_at: OffsetDateTime,
}

/// Every policy of other accounts' identities that names `grantee` (or its users), with
/// the owner's display name: by sharing, the owner has introduced itself.
pub async fn shared_with(
    db: impl PgExecutor<'_>,
    grantee: &AccountId,
) -> Result<Vec<SharedRow>, sqlx::Error> {
    sqlx::query_as!(
        SharedRow,
        // language=PostgreSQL
        r#"select i.account_id as owner_account, o.name as owner_name, i.region, i.kind,
                  i.name as identity_name, i.verification_status, p.name as policy_name, p.document,
                  p.updated_at
           from identity_policy p join identity i using (account_id, identity_id)
           join account o on o.account_id = i.account_id
           where p.grantee_accounts @> array[$1::text] and i.account_id <> $1
           order by i.name, i.region, i.account_id, p.name"#,
        grantee.as_str()
    )
    .fetch_all(db)
    .await
}

/// A grant withdrawn from an account (written by the `grant_withdrawal` triggers).
pub struct WithdrawalRow {
    pub owner_account_id: String,
    pub owner_name: String,
    pub region: String,
    pub identity_name: String,
    pub policy_name: String,
    pub reason: String,
    pub withdrawn_at: OffsetDateTime,
}

/// The grants withdrawn from `grantee` in the past `days`, newest first (at most 50).
pub async fn withdrawn_from(
    db: impl PgExecutor<'_>,
    grantee: &AccountId,
    days: i32,
) -> Result<Vec<WithdrawalRow>, sqlx::Error> {
    sqlx::query_as!(
        WithdrawalRow,
        // language=PostgreSQL
        r#"select owner_account_id, owner_name, region, identity_name, policy_name, reason,
                  withdrawn_at
           from grant_withdrawal
           where grantee_account_id = $1 and withdrawn_at > now() - make_interval(days => $2)
           order by withdrawn_at desc, id desc
           limit 50"#,
        grantee.as_str(),
        days
    )
    .fetch_all(db)
    .await
}

/// Deletes withdrawals older than `days` (the sweeper's job).
pub async fn forget_old_withdrawals(
    db: impl PgExecutor<'_>,
    days: i32,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from grant_withdrawal where withdrawn_at < now() - make_interval(days => $1)"#,
        days
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}
