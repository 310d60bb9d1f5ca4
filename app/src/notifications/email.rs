//! An event notification by email (forwarded feedback, or an email destination): a
//! readable summary and the event's JSON (as a webhook would get it), from Sesame rather
//! than from the sender.

use mail_builder::MessageBuilder;

use super::payload::{event_json, EventFacts};

/// The notification to `to`, from Sesame's system sender `from`.
pub fn compose(facts: &EventFacts, to: &str, from: &str) -> Result<Vec<u8>, String> {
    let recipient = facts.recipient.as_deref().unwrap_or("a recipient");
    let what = match facts.event_type.as_str() {
        "Complaint" => format!(
            "{recipient} complained about this message (feedback type: {}).",
            facts.feedback_type.as_deref().unwrap_or("unknown")
        ),
        "Bounce" => format!(
            "The message to {recipient} bounced ({} / {}): {}",
            facts.bounce_type.as_deref().unwrap_or("Undetermined"),
            facts.bounce_sub_type.as_deref().unwrap_or("Undetermined"),
            facts.detail
        ),
        "Delivery" => format!("The message was delivered to {recipient}: {}", facts.detail),
        "DeliveryDelay" => format!("Delivery to {recipient} is delayed: {}", facts.detail),
        other => format!("{other}: {}", facts.detail),
    };
    let body =
        format!(
        "{what}\r\n\r\nMessage: {}\r\nSent from: {} (identity {})\r\nSending account: {}\r\n\r\n\
         The notification, as event destinations receive it:\r\n\r\n{}\r\n",
        facts.message_id,
        facts.source,
        facts.source_arn,
        facts.sending_account,
        serde_json::to_string_pretty(&event_json(facts)).unwrap_or_default().replace('\n', "\r\n"),
    );
    MessageBuilder::new()
        .from(("Sesame notifications", from))
        .to(to)
        .subject(format!(
            "{} notification for message {}",
            facts.event_type, facts.message_id
        ))
        .header(
            "Auto-Submitted",
            mail_builder::headers::raw::Raw::new("auto-generated"),
        )
        .text_body(body)
        .write_to_vec()
        .map_err(|e| e.to_string())
}
