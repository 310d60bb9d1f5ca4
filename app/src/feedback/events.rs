//! Recording feedback that arrives after delivery (complaints; later, asynchronous
//! bounces): one event per message, recipient and kind, and the suppression list updated
//! in the same statement.

use sqlx::PgExecutor;

/// ARF feedback types that are not a person's complaint about the mail.
const NOT_COMPLAINTS: &[&str] = &["not-spam", "auth-failure"];

/// Records a complaint about recipient `position` of `message_id`; the address goes on the
/// sending account's suppression list unless the report says it is not a complaint.
/// Returns false when that complaint was already recorded (a duplicate report).
pub async fn record_complaint(
    db: impl PgExecutor<'_>,
    message_id: &str,
    position: i16,
    feedback_type: Option<&str>,
    reporting_mta: &str,
    detail: &str,
) -> Result<bool, sqlx::Error> {
    let suppress = !feedback_type.is_some_and(|t| NOT_COMPLAINTS.contains(&t));
    let recorded = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with event as (
               insert into message_event (event_id, message_id, position, event_type, detail,
                                          feedback_type, reporting_mta)
               values (gen_random_uuid(), $1, $2, 'Complaint', $5, $3, $4)
               on conflict (message_id, position, event_type)
                   where event_type in ('Delivery', 'Bounce', 'Complaint') do nothing
               returning message_id, position),
           suppressed as (
               insert into suppressed_destination (account_id, email_address, reason, message_id)
               select m.account_id, lower(r.address), 'COMPLAINT', m.message_id
               from event e
               join message m on m.message_id = e.message_id
               join message_recipient r on r.message_id = e.message_id and r.position = e.position
               where $6
               on conflict (account_id, email_address)
                   do update set reason = 'COMPLAINT', message_id = excluded.message_id, last_update = now())
           select count(*) as "recorded!" from event"#,
        message_id,
        position,
        feedback_type,
        reporting_mta,
        detail,
        suppress
    )
    .fetch_one(db)
    .await?;
    Ok(recorded > 0)
}
