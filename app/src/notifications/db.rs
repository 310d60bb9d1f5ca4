//! Queries on configuration sets and their destinations. Every function takes the account
//! first and filters by it.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{ConfigurationSet, Destination};
use crate::{ids::AccountId, server::vault::Sealed};

/// The account's sets with their destinations, by region and name.
pub async fn list_sets(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<ConfigurationSet>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select c.region, c.name, d.destination_id as "destination_id?", d.name as "destination?",
                  coalesce(d.url, d.email) as "target?", d.email is not null as "email?",
                  d.event_types as "event_types?", d.enabled as "enabled?",
                  d.consecutive_failures as "consecutive_failures?", d.disabled_reason
           from configuration_set c
           left join event_destination d
             on d.account_id = c.account_id and d.region = c.region and d.configuration_set = c.name
           where c.account_id = $1
           order by c.region, c.name, d.name"#,
        account.as_str()
    )
    .fetch_all(db)
    .await?;
    let mut sets: Vec<ConfigurationSet> = Vec::new();
    for row in rows {
        let same_set = sets.last().is_some_and(|s| {
            (s.region.as_str(), s.name.as_str()) == (row.region.as_str(), row.name.as_str())
        });
        if !same_set {
            sets.push(ConfigurationSet {
                region: row.region.clone(),
                name: row.name.clone(),
                destinations: Vec::new(),
            });
        }
        if let (
            Some(id),
            Some(name),
            Some(target),
            Some(email),
            Some(types),
            Some(enabled),
            Some(failures),
        ) = (
            row.destination_id,
            row.destination,
            row.target,
            row.email,
            row.event_types,
            row.enabled,
            row.consecutive_failures,
        ) {
            if let Some(set) = sets.last_mut() {
                set.destinations.push(Destination {
                    destination_id: id.to_string(),
                    name,
                    target,
                    email,
                    event_types: types,
                    enabled,
                    consecutive_failures: failures,
                    disabled_reason: row.disabled_reason,
                });
            }
        }
    }
    Ok(sets)
}

/// The account's set names in `region`.
pub async fn set_names(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select name from configuration_set where account_id = $1 and region = $2 order by name"#,
        account.as_str(),
        region
    )
    .fetch_all(db)
    .await
}

/// Creates a set; false if the account already has one by that name in the region.
pub async fn create_set(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let created = sqlx::query!(
        // language=PostgreSQL
        r#"insert into configuration_set (account_id, region, name) values ($1, $2, $3)
           on conflict do nothing"#,
        account.as_str(),
        region,
        name
    )
    .execute(db)
    .await?;
    Ok(created.rows_affected() == 1)
}

pub async fn delete_set(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    name: &str,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from configuration_set where account_id = $1 and region = $2 and name = $3"#,
        account.as_str(),
        region,
        name
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}

/// What a destination belongs to.
pub enum Scope<'a> {
    ConfigurationSet {
        region: &'a str,
        name: &'a str,
    },
    /// One of the account's identities (by id).
    Identity(Uuid),
}

/// Where a destination sends.
pub enum Endpoint<'a> {
    Webhook(&'a str),
    Email(&'a str),
}

pub struct NewDestinationRow<'a> {
    pub destination_id: Uuid,
    pub scope: Scope<'a>,
    pub name: &'a str,
    pub endpoint: Endpoint<'a>,
    pub event_types: &'a [String],
    pub secret: &'a Sealed,
}

/// Adds a destination to one of the account's sets or identities. Err(unique violation)
/// when the name is taken; Ok(false) when the set or identity does not exist.
pub async fn insert_destination(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    d: &NewDestinationRow<'_>,
) -> Result<bool, sqlx::Error> {
    let (region, set, identity) = match d.scope {
        Scope::ConfigurationSet { region, name } => (Some(region), Some(name), None),
        Scope::Identity(id) => (None, None, Some(id)),
    };
    let (url, email) = match d.endpoint {
        Endpoint::Webhook(url) => (Some(url), None),
        Endpoint::Email(address) => (None, Some(address)),
    };
    let inserted = sqlx::query!(
        // language=PostgreSQL
        r#"insert into event_destination (destination_id, account_id, region, configuration_set,
                                          identity_id, name, url, email, event_types,
                                          secret_nonce, secret_ciphertext)
           select $1, $2, s.region, s.set, s.identity_id, $5, $6, $7, $8, $9, $10
           from (select region, name as set, null::uuid as identity_id from configuration_set
                 where account_id = $2 and region = $3 and name = $4
                 union all
                 select region, null, identity_id from identity
                 where account_id = $2 and identity_id = $11) s"#,
        d.destination_id,
        account.as_str(),
        region,
        set,
        d.name,
        url,
        email,
        d.event_types,
        d.secret.nonce,
        d.secret.ciphertext,
        identity
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// A destination of the account, with what calling it needs.
pub struct DestinationRow {
    pub destination: Destination,
    /// `configuration set orders (us-east-1)` or `identity example.com (us-east-1)`.
    pub scope: String,
    pub configuration_set: Option<String>,
    pub secret: Sealed,
}

pub async fn find_destination(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    id: Uuid,
) -> Result<Option<DestinationRow>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select d.destination_id, d.region, d.configuration_set, i.name as "identity?", d.name,
                  coalesce(d.url, d.email) as "target!", d.email is not null as "email!",
                  d.event_types, d.enabled, d.consecutive_failures, d.disabled_reason,
                  d.secret_nonce, d.secret_ciphertext
           from event_destination d
           left join identity i on i.identity_id = d.identity_id
           where d.account_id = $1 and d.destination_id = $2"#,
        account.as_str(),
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| DestinationRow {
        scope: match (&r.configuration_set, &r.identity) {
            (Some(set), _) => format!("configuration set {set} ({})", r.region),
            (None, Some(identity)) => format!("identity {identity} ({})", r.region),
            (None, None) => r.region.clone(),
        },
        configuration_set: r.configuration_set,
        destination: Destination {
            destination_id: r.destination_id.to_string(),
            name: r.name,
            target: r.target,
            email: r.email,
            event_types: r.event_types,
            enabled: r.enabled,
            consecutive_failures: r.consecutive_failures,
            disabled_reason: r.disabled_reason,
        },
        secret: Sealed {
            nonce: r.secret_nonce,
            ciphertext: r.secret_ciphertext,
        },
    }))
}

/// The destinations an owner attached to one of its identities.
pub async fn identity_destinations(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<Vec<Destination>, sqlx::Error> {
    sqlx::query_as!(
        Destination,
        // language=PostgreSQL
        r#"select destination_id::text as "destination_id!", name, coalesce(url, email) as "target!",
                  email is not null as "email!", event_types, enabled, consecutive_failures, disabled_reason
           from event_destination where account_id = $1 and identity_id = $2 order by name"#,
        account.as_str(),
        identity
    )
    .fetch_all(db)
    .await
}

/// Whether one of the account's verified identities (in any region) is among `names`.
pub async fn owns_verified(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    names: &[String],
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select exists (select 1 from identity
                          where account_id = $1 and name = any($2)
                            and counts_as_verified(verification_status)) as "owns!""#,
        account.as_str(),
        names
    )
    .fetch_one(db)
    .await
}

/// Whether the identity's own destinations take both bounces and complaints (SES lets
/// forwarding be turned off only then).
pub async fn identity_covers_feedback(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    identity: Uuid,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select coalesce(bool_or('Bounce' = any(event_types)) and bool_or('Complaint' = any(event_types)), false)
                  as "covers!"
           from event_destination where account_id = $1 and identity_id = $2 and enabled"#,
        account.as_str(),
        identity
    )
    .fetch_one(db)
    .await
}

/// Enables (clearing the failure count and reason) or disables a destination.
pub async fn set_enabled(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    id: Uuid,
    enabled: bool,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update event_destination
           set enabled = $3, consecutive_failures = case when $3 then 0 else consecutive_failures end,
               disabled_reason = case when $3 then null else 'Disabled by a user.' end
           where account_id = $1 and destination_id = $2"#,
        account.as_str(),
        id,
        enabled
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}

pub async fn delete_destination(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    id: Uuid,
) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from event_destination where account_id = $1 and destination_id = $2"#,
        account.as_str(),
        id
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected() == 1)
}
