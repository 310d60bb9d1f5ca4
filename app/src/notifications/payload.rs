//! An event as SES publishes it to a configuration set's destinations (`eventType`, `mail`
//! and the event's own object), with `mail.sourceArn` the identity used (the owner's) and
//! `mail.sendingAccountId` the sender (the delegate). The event id rides along as
//! `eventId` (and in a header), the same on every delivery attempt.

use mail_parser::{HeaderName, MessageParser};
use serde_json::{json, Map, Value};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};

/// Everything a payload says, as stored.
pub struct EventFacts {
    pub event_id: String,
    pub event_type: String,
    pub at: OffsetDateTime,
    pub detail: String,
    pub recipient: Option<String>,
    pub bounce_type: Option<String>,
    pub bounce_sub_type: Option<String>,
    pub status: Option<String>,
    pub feedback_type: Option<String>,
    pub reporting_mta: Option<String>,
    pub message_id: String,
    pub sent_at: OffsetDateTime,
    pub source: String,
    pub source_arn: String,
    pub sending_account: String,
    pub destination: Vec<String>,
    pub configuration_set: Option<String>,
    /// The sender's message tags, `{"name": ["value", …]}`.
    pub message_tags: serde_json::Value,
    /// The start of the message (its header section, at least).
    pub head: Vec<u8>,
}

fn iso(t: OffsetDateTime) -> String {
    let millis = t
        .replace_nanosecond(t.millisecond() as u32 * 1_000_000)
        .unwrap_or(t);
    millis.format(&Rfc3339).unwrap_or_default()
}

/// From, To, Subject, Date and Message-ID as SES's `commonHeaders`.
fn common_headers(head: &[u8]) -> Value {
    let mut common = Map::new();
    let Some(parsed) = MessageParser::default().parse_headers(head) else {
        return Value::Object(common);
    };
    let raw_values = |name: HeaderName<'static>| -> Vec<String> {
        parsed
            .header_raw(name)
            .map(|v| v.trim().to_owned())
            .into_iter()
            .collect()
    };
    for (key, name) in [
        ("from", HeaderName::From),
        ("to", HeaderName::To),
        ("cc", HeaderName::Cc),
    ] {
        let values = raw_values(name);
        if !values.is_empty() {
            common.insert(key.into(), json!(values));
        }
    }
    if let Some(subject) = parsed.subject() {
        common.insert("subject".into(), json!(subject));
    }
    if let Some(date) = parsed.header_raw(HeaderName::Date) {
        common.insert("date".into(), json!(date.trim()));
    }
    if let Some(id) = parsed.message_id() {
        common.insert("messageId".into(), json!(id));
    }
    Value::Object(common)
}

/// The event's JSON.
pub fn event_json(facts: &EventFacts) -> Value {
    let from_domain = common_headers(&facts.head)["from"][0]
        .as_str()
        .and_then(|f| f.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('>').to_owned());
    let mut tags = facts.message_tags.as_object().cloned().unwrap_or_default();
    if let Some(set) = &facts.configuration_set {
        tags.insert("ses:configuration-set".into(), json!([set]));
    }
    if let Some(domain) = from_domain {
        tags.insert("ses:from-domain".into(), json!([domain]));
    }
    let mail = json!({
        "timestamp": iso(facts.sent_at),
        "messageId": facts.message_id,
        "source": facts.source,
        "sourceArn": facts.source_arn,
        "sendingAccountId": facts.sending_account,
        "destination": facts.destination,
        "headersTruncated": false,
        "commonHeaders": common_headers(&facts.head),
        "tags": tags,
    });
    let at = iso(facts.at);
    let recipient = facts.recipient.clone().unwrap_or_default();
    let reporting_mta = facts
        .reporting_mta
        .clone()
        .unwrap_or_else(|| "sesame".to_owned());
    let (key, object) = match facts.event_type.as_str() {
        "Bounce" => (
            "bounce",
            json!({
                "bounceType": facts.bounce_type,
                "bounceSubType": facts.bounce_sub_type,
                "bouncedRecipients": [{
                    "emailAddress": recipient,
                    "action": "failed",
                    "status": facts.status,
                    "diagnosticCode": format!("smtp; {}", facts.detail),
                }],
                "timestamp": at,
                "feedbackId": facts.event_id,
                "reportingMTA": format!("dns; {reporting_mta}"),
            }),
        ),
        "Complaint" => (
            "complaint",
            json!({
                "complainedRecipients": [{ "emailAddress": recipient }],
                "timestamp": at,
                "feedbackId": facts.event_id,
                "complaintFeedbackType": facts.feedback_type,
                "complaintSubType": null,
            }),
        ),
        "Delivery" => (
            "delivery",
            json!({
                "timestamp": at,
                "processingTimeMillis": (facts.at - facts.sent_at).whole_milliseconds(),
                "recipients": [recipient],
                "smtpResponse": facts.detail,
                "reportingMTA": reporting_mta,
            }),
        ),
        "DeliveryDelay" => (
            "deliveryDelay",
            json!({
                "delayType": "TransientCommunicationFailure",
                "delayedRecipients": [{
                    "emailAddress": recipient,
                    "status": facts.status,
                    "diagnosticCode": facts.detail,
                }],
                "timestamp": at,
                "reportingMTA": reporting_mta,
            }),
        ),
        "Reject" => ("reject", json!({ "reason": "Bad content" })),
        _ => ("send", json!({})),
    };
    json!({
        "eventType": facts.event_type,
        "eventId": facts.event_id,
        "mail": mail,
        key: object,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(event_type: &str) -> EventFacts {
        EventFacts {
            event_id: "0f5c1c9e-8a4e-4e55-9a0f-2d3b4f5a6b7c".into(),
            event_type: event_type.into(),
            at: OffsetDateTime::from_unix_timestamp(1_700_000_060).unwrap(),
            detail: "550 5.1.1 user unknown".into(),
            recipient: Some("jane@example.com".into()),
            bounce_type: Some("Permanent".into()),
            bounce_sub_type: Some("General".into()),
            status: Some("5.1.1".into()),
            feedback_type: None,
            reporting_mta: Some("mx.example.com:25".into()),
            message_id: "0000018bcfe56800-aaaa-000000".into(),
            sent_at: OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
            source: "bounces@owner.example".into(),
            source_arn: "arn:aws:ses:us-east-1:888888888888:identity/owner.example".into(),
            sending_account: "123456789012".into(),
            destination: vec!["jane@example.com".into()],
            configuration_set: Some("marketing".into()),
            message_tags: json!({"campaign": ["weekly"]}),
            head: b"From: News <news@owner.example>\r\nTo: jane@example.com\r\nSubject: Hello\r\n\r\nbody".to_vec(),
        }
    }

    #[test]
    fn a_delegated_bounce_names_the_owners_identity_and_the_sending_account() {
        let json = event_json(&facts("Bounce"));
        assert_eq!(json["eventType"], "Bounce");
        assert_eq!(
            json["mail"]["sourceArn"],
            "arn:aws:ses:us-east-1:888888888888:identity/owner.example"
        );
        assert_eq!(json["mail"]["sendingAccountId"], "123456789012");
        assert_eq!(json["mail"]["timestamp"], "2023-11-14T22:13:20Z");
        assert_eq!(json["mail"]["commonHeaders"]["subject"], "Hello");
        assert_eq!(
            json["mail"]["tags"]["ses:configuration-set"][0],
            "marketing"
        );
        assert_eq!(json["mail"]["tags"]["ses:from-domain"][0], "owner.example");
        assert_eq!(json["mail"]["tags"]["campaign"][0], "weekly");
        let bounce = &json["bounce"];
        assert_eq!(
            (
                bounce["bounceType"].as_str(),
                bounce["bounceSubType"].as_str()
            ),
            (Some("Permanent"), Some("General"))
        );
        assert_eq!(bounce["bouncedRecipients"][0]["status"], "5.1.1");
        assert_eq!(
            bounce["bouncedRecipients"][0]["diagnosticCode"],
            "smtp; 550 5.1.1 user unknown"
        );
        assert_eq!(bounce["feedbackId"], json["eventId"]);
    }

    #[test]
    fn each_event_type_has_its_own_object() {
        assert_eq!(
            event_json(&facts("Delivery"))["delivery"]["processingTimeMillis"],
            60_000
        );
        assert_eq!(
            event_json(&facts("Complaint"))["complaint"]["complainedRecipients"][0]["emailAddress"],
            "jane@example.com"
        );
        assert_eq!(event_json(&facts("Send"))["send"], json!({}));
        assert!(
            event_json(&facts("DeliveryDelay"))["deliveryDelay"]["delayedRecipients"].is_array()
        );
    }
}
