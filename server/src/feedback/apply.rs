//! Turning a report that arrived for a message into events: each failed recipient of a
//! DSN a Bounce (classed like a synchronous one), a complaint a Complaint — recorded once
//! however often the report comes.

use app::feedback::{
    events::{record_feedback, Feedback},
    return_path, Bounce,
};
use mail_parser::MessageParser;
use sqlx::PgPool;

use sesame_wire::feedback_report::Report;

/// Records what `report` says about `message_id`; returns how many events were new.
pub async fn apply(pool: &PgPool, message_id: &str, report: &Report) -> Result<usize, sqlx::Error> {
    let recipients = return_path::recipients(pool, message_id).await?;
    let position_of = |address: &str| {
        recipients
            .iter()
            .find(|(_, a)| a.eq_ignore_ascii_case(address))
            .map(|(p, _)| *p)
    };
    let mut recorded = 0;
    match report {
        Report::Dsn {
            reporting_mta,
            recipients: statuses,
        } => {
            let mta = reporting_mta.as_deref().unwrap_or("unknown");
            for status in statuses.iter().filter(|s| s.action == "failed") {
                let position = position_of(&status.recipient)
                    .or_else(|| status.original_recipient.as_deref().and_then(position_of));
                let Some(position) = position else {
                    tracing::info!(message_id, recipient = %status.recipient, "a DSN about an address the message was not sent to");
                    continue;
                };
                let diagnostic = status.diagnostic.clone().unwrap_or_default();
                let bounce = Bounce::from_dsn(status.status.as_deref(), &diagnostic);
                let detail = if diagnostic.is_empty() {
                    format!("DSN status {}", status.status.as_deref().unwrap_or("?"))
                } else {
                    diagnostic
                };
                if record_feedback(
                    pool,
                    message_id,
                    position,
                    Feedback::Bounce(&bounce),
                    mta,
                    &detail,
                )
                .await?
                {
                    recorded += 1;
                }
            }
        }
        Report::Complaint {
            feedback_type,
            recipient,
            reporting_mta,
            user_agent,
            original,
        } => {
            // The report names the recipient, or the reported copy does, or the message had
            // only one.
            let reported = reported_recipients(original);
            let position = recipient
                .as_deref()
                .and_then(position_of)
                .or_else(|| reported.iter().find_map(|a| position_of(a)))
                .or_else(|| (recipients.len() == 1).then(|| recipients[0].0));
            let Some(position) = position else {
                tracing::info!(message_id, "a complaint naming no recipient of the message");
                return Ok(0);
            };
            let detail = format!(
                "ARF report (Feedback-Type: {feedback_type}){}",
                user_agent
                    .as_deref()
                    .map(|u| format!(" from {u}"))
                    .unwrap_or_default()
            );
            let mta = reporting_mta.as_deref().unwrap_or("unknown");
            if record_feedback(
                pool,
                message_id,
                position,
                Feedback::Complaint(Some(feedback_type)),
                mta,
                &detail,
            )
            .await?
            {
                recorded += 1;
            }
        }
        Report::NotFeedback => {}
    }
    Ok(recorded)
}

/// The To and Cc addresses of the reported message (or its headers), lower-cased.
fn reported_recipients(original: &str) -> Vec<String> {
    let Some(parsed) = MessageParser::default().parse_headers(original.as_bytes()) else {
        return Vec::new();
    };
    [parsed.to(), parsed.cc()]
        .into_iter()
        .flatten()
        .flat_map(|list| list.iter())
        .filter_map(|a| a.address().map(str::to_lowercase))
        .collect()
}
