//! Queries on a destination's deliveries as its page shows them, and redelivery. Every
//! function takes the account first and filters by it.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::{Delivery, DeliveryAttempt};
use crate::{ids::AccountId, server::shown::shown};

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
