//! Recording feedback that arrives after delivery — complaints (the simulator's, ARF
//! reports) and asynchronous bounces (DSNs): one event per message, recipient and kind
//! however often the same news arrives. An event that puts its recipient on the
//! suppression list says so (`suppresses`); the database writes the list (migration 0025).

use sqlx::PgExecutor;

use super::Bounce;

/// ARF feedback types that are not a person's complaint about the mail.
const NOT_COMPLAINTS: &[&str] = &["not-spam", "auth-failure"];

/// What was reported about one recipient.
pub enum Feedback<'a> {
    Bounce(&'a Bounce),
    /// An ARF Feedback-Type (`abuse`, `not-spam`, …), if the report said.
    Complaint(Option<&'a str>),
}

/// Records `feedback` about recipient `position` of `message_id`, reported by
/// `reporting_mta` in the words `detail`. Returns false when that news was already
/// recorded (a duplicate report, or a DSN for a bounce seen during delivery).
pub async fn record_feedback(
    db: impl PgExecutor<'_>,
    message_id: &str,
    position: i16,
    feedback: Feedback<'_>,
    reporting_mta: &str,
    detail: &str,
) -> Result<bool, sqlx::Error> {
    let (event_type, bounce, complaint_type) = match &feedback {
        Feedback::Bounce(bounce) => ("Bounce", Some(*bounce), None),
        Feedback::Complaint(kind) => ("Complaint", None, *kind),
    };
    let suppress = match &feedback {
        Feedback::Bounce(bounce) => bounce.suppress,
        Feedback::Complaint(kind) => !kind.is_some_and(|t| NOT_COMPLAINTS.contains(&t)),
    };
    let recorded = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with event as (
               insert into message_event (event_id, message_id, position, event_type, detail,
                                          bounce_type, bounce_sub_type, status, bounce_class,
                                          feedback_type, reporting_mta, suppresses)
               values (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
               on conflict (message_id, position, event_type)
                   where event_type in ('Delivery', 'Bounce', 'Complaint') do nothing
               returning message_id, position)
           select count(*) as "recorded!" from event"#,
        message_id,
        position,
        event_type,
        detail,
        bounce.map(|b| b.bounce_type),
        bounce.map(|b| b.sub_type),
        bounce.and_then(|b| b.status.as_deref()),
        bounce.map(|b| b.class),
        complaint_type,
        reporting_mta,
        suppress
    )
    .fetch_one(db)
    .await?;
    Ok(recorded > 0)
}
