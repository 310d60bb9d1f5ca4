//! Queries on configuration sets and their destinations. Every function takes the account
//! first and filters by it.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{ConfigurationSet, Delivery, DeliveryAttempt, Destination};
use crate::{
    ids::AccountId,
    server::{shown::shown, vault::Sealed},
};

/// The account's sets with their destinations, by region and name.
pub async fn list_sets(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<ConfigurationSet>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select c.region, c.name, d.destination_id as "destination_id?", d.name as "destination?",
                  d.url as "url?", d.event_types as "event_types?", d.enabled as "enabled?",
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
        if sets.last().is_none_or(|s| {
            (s.region.as_str(), s.name.as_str()) != (row.region.as_str(), row.name.as_str())
        }) {
            sets.push(ConfigurationSet {
                region: row.region.clone(),
                name: row.name.clone(),
                destinations: Vec::new(),
            });
        }
        if let (Some(id), Some(name), Some(url), Some(types), Some(enabled), Some(failures)) = (
            row.destination_id,
            row.destination,
            row.url,
            row.event_types,
            row.enabled,
            row.consecutive_failures,
        ) {
            if let Some(set) = sets.last_mut() {
                set.destinations.push(Destination {
                    destination_id: id.to_string(),
                    name,
                    url,
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

pub struct NewDestinationRow<'a> {
    pub destination_id: Uuid,
    pub region: &'a str,
    pub configuration_set: &'a str,
    pub name: &'a str,
    pub url: &'a str,
    pub event_types: &'a [String],
    pub secret: &'a Sealed,
}

/// Adds a destination to one of the account's sets. Err(unique violation) when the name
/// is taken; Ok(false) when the set does not exist.
pub async fn insert_destination(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    d: &NewDestinationRow<'_>,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        // language=PostgreSQL
        r#"insert into event_destination (destination_id, account_id, region, configuration_set, name, url,
                                          event_types, secret_nonce, secret_ciphertext)
           select $1, account_id, region, name, $4, $5, $6, $7, $8 from configuration_set
           where account_id = $2 and region = $3 and name = $9"#,
        d.destination_id,
        account.as_str(),
        d.region,
        d.name,
        d.url,
        d.event_types,
        d.secret.nonce,
        d.secret.ciphertext,
        d.configuration_set
    )
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// A destination of the account, with what calling it needs.
pub struct DestinationRow {
    pub destination: Destination,
    pub region: String,
    pub configuration_set: String,
    pub secret: Sealed,
}

pub async fn find_destination(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    id: Uuid,
) -> Result<Option<DestinationRow>, sqlx::Error> {
    let row = sqlx::query!(
        // language=PostgreSQL
        r#"select destination_id, region, configuration_set, name, url, event_types, enabled,
                  consecutive_failures, disabled_reason, secret_nonce, secret_ciphertext
           from event_destination where account_id = $1 and destination_id = $2"#,
        account.as_str(),
        id
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| DestinationRow {
        destination: Destination {
            destination_id: r.destination_id.to_string(),
            name: r.name,
            url: r.url,
            event_types: r.event_types,
            enabled: r.enabled,
            consecutive_failures: r.consecutive_failures,
            disabled_reason: r.disabled_reason,
        },
        region: r.region,
        configuration_set: r.configuration_set,
        secret: Sealed {
            nonce: r.secret_nonce,
            ciphertext: r.secret_ciphertext,
        },
    }))
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

/// The destination's latest deliveries (newest first), each with its attempts.
pub async fn deliveries(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    id: Uuid,
    limit: i64,
) -> Result<Vec<Delivery>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select n.notification_id, n.event_id, e.event_type, e.message_id, n.status, n.created_at,
                  coalesce(json_agg(json_build_object(
                      'at', a.attempted_at, 'http_status', a.http_status,
                      'latency_ms', a.latency_ms, 'response', a.response) order by a.attempt_id)
                    filter (where a.attempt_id is not null), '[]') as "attempts!: sqlx::types::Json<Vec<AttemptRow>>"
           from notification n
           join event_destination d on d.destination_id = n.destination_id
           join message_event e on e.event_id = n.event_id
           left join notification_attempt a on a.notification_id = n.notification_id
           where d.account_id = $1 and n.destination_id = $2
           group by n.notification_id, e.event_type, e.message_id
           order by n.created_at desc
           limit $3"#,
        account.as_str(),
        id,
        limit
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Delivery {
            notification_id: r.notification_id.to_string(),
            event_id: r.event_id.to_string(),
            event_type: r.event_type,
            message_id: r.message_id,
            status: r.status,
            created: shown(r.created_at),
            attempts: r
                .attempts
                .0
                .into_iter()
                .map(|a| DeliveryAttempt {
                    at: shown(a.at),
                    http_status: a.http_status,
                    latency_ms: a.latency_ms,
                    response: a.response,
                })
                .collect(),
        })
        .collect())
}

#[derive(Debug, serde::Deserialize)]
pub struct AttemptRow {
    #[serde(with = "time::serde::rfc3339")]
    at: time::OffsetDateTime,
    http_status: Option<i32>,
    latency_ms: i32,
    response: String,
}

/// Sends one of the destination's notifications again, now (attempts keep counting).
pub async fn redeliver(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    notification: Uuid,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        // language=PostgreSQL
        r#"update notification n set status = 'Pending', next_attempt_at = now(), finished_at = null, leased_until = null
           from event_destination d
           where d.destination_id = n.destination_id and d.account_id = $1 and n.notification_id = $2"#,
        account.as_str(),
        notification
    )
    .execute(db)
    .await?;
    Ok(updated.rows_affected() == 1)
}
