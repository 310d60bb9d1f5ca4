//! Queries on identities and the development DNS zone. Functions on an account's
//! identities take the account first and filter by it.

use sqlx::{PgExecutor, PgTransaction};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{identity_arn, IdentitySummary};
use crate::{ids::AccountId, server::vault::Sealed};

/// Locks the account's row for the region (serialising identity creation there) and
/// counts its identities. None: the account does not serve that region.
pub async fn lock_region_and_count(
    tx: &mut PgTransaction<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Option<i64>, sqlx::Error> {
    if !crate::accounts::db::lock_region(tx, account, region).await? {
        return Ok(None);
    }
    let count = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select count(*) as "count!" from identity where account_id = $1 and region = $2"#,
        account.as_str(),
        region
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(count))
}

/// A domain identity about to be stored.
pub struct NewDomainIdentity<'a> {
    pub identity_id: Uuid,
    pub region: &'a str,
    pub name: &'a str,
    pub token: &'a str,
    pub dkim_selector: &'a str,
    pub dkim_algorithm: &'a str,
    pub dkim_public_key: &'a str,
    pub dkim_private_key: &'a Sealed,
}

/// Stores a domain identity; fails on `identity_name_key` if the account has it already.
pub async fn insert_domain_identity(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    new: &NewDomainIdentity<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into identity (identity_id, account_id, region, kind, name, verification_token,
                                 dkim_selector, dkim_algorithm, dkim_public_key, dkim_private_nonce, dkim_private_ciphertext)
           values ($1, $2, $3, 'domain', $4, $5, $6, $7, $8, $9, $10)"#,
        new.identity_id,
        account.as_str(),
        new.region,
        new.name,
        new.token,
        new.dkim_selector,
        new.dkim_algorithm,
        new.dkim_public_key,
        new.dkim_private_key.nonce,
        new.dkim_private_key.ciphertext
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Stores an email-address identity; fails on `identity_name_key` if the account has it.
pub async fn insert_email_identity(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity_id: Uuid,
    region: &str,
    address: &str,
    token: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into identity (identity_id, account_id, region, kind, name, verification_token, next_check_at)
           values ($1, $2, $3, 'email_address', $4, $5, 'infinity')"#,
        identity_id,
        account.as_str(),
        region,
        address,
        token
    )
    .execute(db)
    .await?;
    Ok(())
}

/// A new link for an email-address identity: new token, Pending, a fresh 24 hours.
/// Returns the address and region, or None if the account has no such email identity.
pub async fn renew_email_verification(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
    token: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"update identity set verification_token = $3, verification_status = 'Pending', verification_started_at = now()
           where account_id = $1 and identity_id = $2 and kind = 'email_address'
           returning name, region"#,
        account.as_str(),
        identity,
        token
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.name, r.region)))
}

/// The address a link's `token` is for, its status, and whether the link is still valid
/// — without changing anything (opening a link only shows what confirming would do).
pub async fn find_email_token(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<(String, String, bool)>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select name, verification_status,
                  verification_started_at > now() - make_interval(secs => $2) as "valid!"
           from identity
           where verification_token = $1 and kind = 'email_address'"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.name, r.verification_status, r.valid)))
}

/// Confirms the email identity whose link carries `token`, if the link is still valid;
/// expired links turn a pending identity Failed. Returns the address and the new status.
/// Looked up by token alone: the token is the proof, and it reveals nothing else.
pub async fn confirm_email_token(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<ConfirmedEmail>, sqlx::Error> {
    sqlx::query_as!(
        ConfirmedEmail,
        // language=PostgreSQL
        r#"with before as (
               select identity_id, verification_status from identity
               where verification_token = $1 and kind = 'email_address'
           )
           update identity i
           set verification_status = case
                   when i.verification_status = 'Success' then 'Success'
                   when i.verification_started_at > now() - make_interval(secs => $2) then 'Success'
                   else 'Failed' end
           from before b
           where i.identity_id = b.identity_id
           returning i.account_id as "account_id: AccountId", i.identity_id, i.name,
                     i.verification_status, b.verification_status as was"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}

/// An address identity whose link was followed: its status now, and before.
pub struct ConfirmedEmail {
    pub account_id: AccountId,
    pub identity_id: Uuid,
    pub name: String,
    pub verification_status: String,
    pub was: String,
}

/// Marks pending email identities whose link has expired as Failed.
pub async fn expire_email_verifications(
    db: impl PgExecutor<'_>,
    validity_secs: f64,
) -> Result<Vec<ExpiredEmail>, sqlx::Error> {
    sqlx::query_as!(
        ExpiredEmail,
        // language=PostgreSQL
        r#"update identity set verification_status = 'Failed'
           where kind = 'email_address' and verification_status = 'Pending'
             and verification_started_at <= now() - make_interval(secs => $1)
           returning account_id as "account_id: AccountId", identity_id, name"#,
        validity_secs
    )
    .fetch_all(db)
    .await
}

/// An address identity whose link expired unopened.
pub struct ExpiredEmail {
    pub account_id: AccountId,
    pub identity_id: Uuid,
    pub name: String,
}

/// Optional filters of the identities list.
#[derive(Default)]
pub struct IdentityFilter<'a> {
    pub region: Option<&'a str>,
    pub status: Option<&'a str>,
    pub kind: Option<&'a str>,
}

pub async fn list_identities(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    filter: &IdentityFilter<'_>,
) -> Result<Vec<IdentitySummary>, crate::error::AppError> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select identity_id, kind, name, region, verification_status from identity
           where account_id = $1
             and ($2::text is null or region = $2)
             and ($3::text is null or verification_status = $3)
             and ($4::text is null or kind = $4)
           order by name, region"#,
        account.as_str(),
        filter.region,
        filter.status,
        filter.kind
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(IdentitySummary {
                arn: identity_arn(&r.region, account, &r.name),
                identity_id: r.identity_id,
                kind: r.kind.parse().map_err(crate::server::errors::internal)?,
                name: r.name,
                region: r.region,
                status: r
                    .verification_status
                    .parse()
                    .map_err(crate::server::errors::internal)?,
            })
        })
        .collect()
}

/// An identity's full row (without its private key).
pub struct IdentityRow {
    pub identity_id: Uuid,
    pub kind: String,
    pub name: String,
    pub region: String,
    pub verification_status: String,
    pub verification_token: String,
    pub verification_started_at: OffsetDateTime,
    pub problem_since: Option<OffsetDateTime>,
    pub last_checked_at: Option<OffsetDateTime>,
    pub last_answers: Vec<String>,
    pub dev_zone: bool,
    pub dkim_selector: Option<String>,
    pub dkim_algorithm: Option<String>,
    pub dkim_public_key: Option<String>,
    pub feedback_forwarding: bool,
}

impl IdentityRow {
    /// The DKIM key's algorithm, if the identity has a key.
    pub fn dkim_algorithm(&self) -> Result<Option<super::DkimAlgorithm>, String> {
        self.dkim_algorithm.as_deref().map(str::parse).transpose()
    }
}

pub async fn find_identity(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<IdentityRow>, sqlx::Error> {
    sqlx::query_as!(
        IdentityRow,
        // language=PostgreSQL
        r#"select identity_id, kind, name, region, verification_status, verification_token,
                  verification_started_at, problem_since, last_checked_at, last_answers, dev_zone,
                  dkim_selector, dkim_algorithm, dkim_public_key, feedback_forwarding
           from identity where account_id = $1 and identity_id = $2"#,
        account.as_str(),
        identity
    )
    .fetch_optional(db)
    .await
}

/// The id of the account's identity `name` in `region` (for the admin CLI).
pub async fn find_identity_id(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    name: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select identity_id from identity where account_id = $1 and region = $2 and name = $3"#,
        account.as_str(),
        region,
        name
    )
    .fetch_optional(db)
    .await
}

/// Deletes an identity (its dev-zone records go with it); returns its name, None if there
/// is no such identity.
pub async fn delete_identity(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"delete from identity where account_id = $1 and identity_id = $2 returning name"#,
        account.as_str(),
        identity
    )
    .fetch_optional(db)
    .await
}

/// Returns the identity's name, None if there is no such identity.
pub async fn set_feedback_forwarding(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
    enabled: bool,
) -> Result<Option<Toggled>, sqlx::Error> {
    sqlx::query_as!(
        Toggled,
        // language=PostgreSQL
        r#"with target as (
               select identity_id, name, feedback_forwarding as was from identity
               where account_id = $1 and identity_id = $2 for update),
           updated as (
               update identity i set feedback_forwarding = $3 from target t
               where i.identity_id = t.identity_id)
           select name as "name!", was <> $3 as "changed!" from target"#,
        account.as_str(),
        identity,
        enabled
    )
    .fetch_optional(db)
    .await
}

/// A setting switched on or off: of what, and whether it was the other way before (a
/// switch to where it stands already changes, and records, nothing).
pub struct Toggled {
    pub name: String,
    pub changed: bool,
}

/// Starts a new verification attempt (after Failed): Pending, with a fresh window.
/// Returns the identity's name, None if there is no such identity.
pub async fn restart_verification(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"update identity set verification_status = 'Pending', verification_started_at = now(),
                               problem_since = null, next_check_at = now()
           where account_id = $1 and identity_id = $2
           returning name"#,
        account.as_str(),
        identity
    )
    .fetch_optional(db)
    .await
}

/// Marks whether the identity's records live in the development zone (and checks it soon).
pub async fn set_dev_zone(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
    on: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update identity set dev_zone = $3, next_check_at = now() where account_id = $1 and identity_id = $2"#,
        account.as_str(),
        identity,
        on
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

/// Replaces the identity's records in the development zone with `records` (name, value).
pub async fn replace_dev_zone_records(
    tx: &mut PgTransaction<'_>,
    identity: Uuid,
    records: &[(String, String)],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"delete from dev_zone_record where identity_id = $1"#,
        identity
    )
    .execute(&mut **tx)
    .await?;
    let (names, values): (Vec<String>, Vec<String>) = records.iter().cloned().unzip();
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into dev_zone_record (name, record_type, value, identity_id)
           select name, 'TXT', value, $3 from unnest($1::text[], $2::text[]) as r(name, value)
           on conflict do nothing"#,
        &names,
        &values,
        identity
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// TXT values the development zone serves at `name`.
pub async fn dev_zone_txt(db: impl PgExecutor<'_>, name: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select value from dev_zone_record where name = $1 and record_type = 'TXT' order by value"#,
        name
    )
    .fetch_all(db)
    .await
}

/// True when the development zone has any record at or under `name` (so the server can
/// tell "no such name" from "no record of that type"). A suffix comparison, not LIKE: names
/// such as `_domainkey` contain LIKE's wildcard `_`.
pub async fn dev_zone_has_name(db: impl PgExecutor<'_>, name: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select exists(select from dev_zone_record
                         where name = $1 or right(name, length($1) + 1) = '.' || $1) as "exists!""#,
        name
    )
    .fetch_one(db)
    .await
}

/// What a verification check needs about a domain identity.
pub struct CheckTarget {
    pub identity_id: Uuid,
    pub account_id: AccountId,
    pub name: String,
    pub verification_status: String,
    pub verification_token: String,
    pub verification_started_at: OffsetDateTime,
    pub problem_since: Option<OffsetDateTime>,
    pub dev_zone: bool,
    pub dkim_selector: Option<String>,
    pub dkim_public_key: Option<String>,
}

/// Claims up to `limit` domain identities due for a check, leasing them for five minutes so
/// that other workers (in this or another process) skip them meanwhile.
pub async fn claim_due_checks(
    db: impl PgExecutor<'_>,
    limit: i64,
) -> Result<Vec<CheckTarget>, sqlx::Error> {
    sqlx::query_as!(
        CheckTarget,
        // language=PostgreSQL
        r#"update identity set next_check_at = now() + interval '5 minutes'
           where identity_id in (
               select identity_id from identity
               where kind = 'domain' and next_check_at <= now()
                 and verification_status in ('Pending', 'Success', 'TemporaryFailure')
               order by next_check_at
               for update skip locked
               limit $1)
           returning identity_id, account_id as "account_id: AccountId", name, verification_status,
                     verification_token, verification_started_at, problem_since, dev_zone,
                     dkim_selector, dkim_public_key"#,
        limit
    )
    .fetch_all(db)
    .await
}

/// The same, for one identity of an account ("check now"); None if there is no such domain.
pub async fn find_check_target(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Option<CheckTarget>, sqlx::Error> {
    sqlx::query_as!(
        CheckTarget,
        // language=PostgreSQL
        r#"select identity_id, account_id as "account_id: AccountId", name, verification_status,
                  verification_token, verification_started_at, problem_since, dev_zone,
                  dkim_selector, dkim_public_key
           from identity where account_id = $1 and identity_id = $2 and kind = 'domain'"#,
        account.as_str(),
        identity
    )
    .fetch_optional(db)
    .await
}

/// Stores a check's outcome. `next_check_in_secs` None: no automatic checks until restarted.
pub async fn record_check(
    db: impl PgExecutor<'_>,
    identity: Uuid,
    status: &str,
    problem_since: Option<OffsetDateTime>,
    answers: &[String],
    next_check_in_secs: Option<f64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"update identity set verification_status = $2, problem_since = $3, last_answers = $4,
                               last_checked_at = now(),
                               next_check_at = case when $5::float8 is null then 'infinity'
                                                    else now() + make_interval(secs => $5) end
           where identity_id = $1"#,
        identity,
        status,
        problem_since,
        answers,
        next_check_in_secs
    )
    .execute(db)
    .await?;
    Ok(())
}
