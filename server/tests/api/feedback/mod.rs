//! Feedback through the public surface: bounces classed and recorded as events, the
//! suppression list filled only by recipient bounces and complaints and honoured by
//! delivery, complaints recorded once, and the list's page functions.

mod bounces;
mod mailed;
mod suppression_list;

use sqlx::PgPool;

/// One event as recorded: (address, type, bounce type, sub-type, status, class, feedback type).
pub type Event = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub async fn events(pool: &PgPool, message_id: &str) -> Vec<Event> {
    sqlx::query_as(
        "select r.address, e.event_type, e.bounce_type, e.bounce_sub_type, e.status, e.bounce_class, e.feedback_type
         from message_event e join message_recipient r using (message_id, position)
         where e.message_id = $1 order by r.position, e.event_type",
    )
    .bind(message_id)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// The account's suppression list: (address, reason).
pub async fn suppressed(pool: &PgPool, account: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "select email_address, reason from suppressed_destination where account_id = $1 order by email_address",
    )
    .bind(account)
    .fetch_all(pool)
    .await
    .unwrap()
}
