//! Reading what arrives at the feedback address: delivery status notifications (RFC 3464,
//! a `message/delivery-status` part) and complaint reports (ARF, RFC 5965, parsed by
//! mail-auth). Anything else — an auto-reply, a human's answer — is not feedback.

use mail_auth::report::{Feedback, FeedbackType};
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// One recipient's line in a DSN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientStatus {
    /// The address the report is about (Final-Recipient, else Original-Recipient).
    pub recipient: String,
    /// Original-Recipient, when given: the address as first sent to, before any alias
    /// or forwarding rewrote it into the Final-Recipient.
    pub original_recipient: Option<String>,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// The enhanced status code (`5.1.1`).
    pub status: Option<String>,
    /// The remote server's words (`smtp; 550 5.1.1 user unknown`), without the type.
    pub diagnostic: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    Dsn {
        reporting_mta: Option<String>,
        recipients: Vec<RecipientStatus>,
    },
    Complaint {
        /// The ARF Feedback-Type in its own spelling (`abuse`, `not-spam`, …).
        feedback_type: &'static str,
        /// Original-Rcpt-To, when the report says.
        recipient: Option<String>,
        reporting_mta: Option<String>,
        user_agent: Option<String>,
        /// The reported message (or its headers), to find which recipient it was.
        original: String,
    },
    NotFeedback,
}

fn feedback_type(t: FeedbackType) -> &'static str {
    match t {
        FeedbackType::Abuse => "abuse",
        FeedbackType::AuthFailure => "auth-failure",
        FeedbackType::Fraud => "fraud",
        FeedbackType::NotSpam => "not-spam",
        FeedbackType::Virus => "virus",
        FeedbackType::Other => "other",
    }
}

pub fn parse(raw: &[u8]) -> Report {
    if let Ok(arf) = Feedback::parse_rfc5322(raw) {
        return Report::Complaint {
            feedback_type: feedback_type(arf.feedback_type()),
            recipient: arf.original_rcpt_to().map(bare_address),
            reporting_mta: arf.reporting_mta().map(str::to_owned),
            user_agent: arf.user_agent().map(str::to_owned),
            original: arf
                .message()
                .or(arf.headers())
                .unwrap_or_default()
                .to_owned(),
        };
    }
    match delivery_status(raw) {
        Some(fields) => dsn(&fields),
        None => Report::NotFeedback,
    }
}

/// The text of the `message/delivery-status` part, if the message has one.
fn delivery_status(raw: &[u8]) -> Option<String> {
    let message = MessageParser::default().parse(raw)?;
    message.parts.iter().find_map(|part| {
        if !part.is_content_type("message", "delivery-status") {
            return None;
        }
        Some(match &part.body {
            PartType::Text(text) => text.to_string(),
            PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
                String::from_utf8_lossy(bytes).into_owned()
            }
            _ => String::from_utf8_lossy(
                raw.get(part.offset_body as usize..part.offset_end as usize)
                    .unwrap_or_default(),
            )
            .into_owned(),
        })
    })
}

/// `rfc822; Ann <ann@example.com>` → `ann@example.com`.
fn bare_address(value: &str) -> String {
    let value = value.split_once(';').map_or(value, |(_, a)| a).trim();
    let value = match (value.find('<'), value.rfind('>')) {
        (Some(start), Some(end)) if start < end => &value[start + 1..end],
        _ => value,
    };
    value.trim().to_lowercase()
}

/// Groups of `Name: value` fields separated by blank lines, continuation lines unfolded.
fn field_groups(text: &str) -> Vec<Vec<(String, String)>> {
    let mut groups = Vec::new();
    let mut group: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = group.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            group.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    groups
}

fn dsn(text: &str) -> Report {
    let groups = field_groups(text);
    let field = |group: &[(String, String)], name: &str| {
        group
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let reporting_mta = groups
        .first()
        .and_then(|g| field(g, "reporting-mta"))
        .map(|v| {
            v.split_once(';')
                .map_or(v.clone(), |(_, host)| host.trim().to_owned())
        });
    let recipients = groups
        .iter()
        .filter_map(|group| {
            let recipient =
                field(group, "final-recipient").or_else(|| field(group, "original-recipient"))?;
            Some(RecipientStatus {
                recipient: bare_address(&recipient),
                original_recipient: field(group, "original-recipient").map(|r| bare_address(&r)),
                action: field(group, "action")
                    .unwrap_or_default()
                    .to_ascii_lowercase(),
                status: field(group, "status")
                    .map(|s| s.split_whitespace().next().unwrap_or_default().to_owned()),
                diagnostic: field(group, "diagnostic-code").map(|d| {
                    d.split_once(';')
                        .map_or(d.clone(), |(_, words)| words.trim().to_owned())
                }),
            })
        })
        .collect();
    Report::Dsn {
        reporting_mta,
        recipients,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        let path = format!("{}/samples/feedback/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn bounces(report: Report) -> (Option<String>, Vec<RecipientStatus>) {
        match report {
            Report::Dsn {
                reporting_mta,
                recipients,
            } => (reporting_mta, recipients),
            other => panic!("not a DSN: {other:?}"),
        }
    }

    #[test]
    fn a_postfix_dsn() {
        let (mta, recipients) = bounces(parse(&sample("postfix-dsn.eml")));
        assert_eq!(mta.as_deref(), Some("mx.customer.example"));
        assert_eq!(
            recipients,
            [RecipientStatus {
                recipient: "jane@customer.example".into(),
                original_recipient: Some("jane@customer.example".into()),
                action: "failed".into(),
                status: Some("5.1.1".into()),
                diagnostic: Some("550 5.1.1 <jane@customer.example>: Recipient address rejected: User unknown in virtual mailbox table".into()),
            }]
        );
    }

    #[test]
    fn an_exchange_dsn_with_two_recipients() {
        let (mta, recipients) = bounces(parse(&sample("exchange-dsn.eml")));
        assert_eq!(
            mta.as_deref(),
            Some("DM6PR01MB1234.namprd01.prod.outlook.com")
        );
        assert_eq!(recipients.len(), 2);
        assert_eq!(recipients[0].recipient, "bob@contoso.example");
        assert_eq!(recipients[0].status.as_deref(), Some("5.1.10"));
        assert_eq!(recipients[1].action, "failed");
        assert_eq!(recipients[1].status.as_deref(), Some("5.2.2"));
    }

    #[test]
    fn an_exim_delay_notice() {
        let (_, recipients) = bounces(parse(&sample("exim-delayed.eml")));
        assert_eq!(recipients[0].action, "delayed");
        assert_eq!(recipients[0].status.as_deref(), Some("4.0.0"));
    }

    #[test]
    fn an_arf_complaint() {
        match parse(&sample("arf-abuse.eml")) {
            Report::Complaint {
                feedback_type,
                recipient,
                user_agent,
                original,
                ..
            } => {
                assert_eq!(feedback_type, "abuse");
                assert_eq!(recipient.as_deref(), Some("reader@isp.example"));
                assert_eq!(user_agent.as_deref(), Some("SomeGenerator/1.0"));
                assert!(
                    original.contains("Subject: This week's offers"),
                    "{original}"
                );
            }
            other => panic!("not a complaint: {other:?}"),
        }
    }

    #[test]
    fn an_auto_reply_is_not_feedback() {
        assert_eq!(parse(&sample("auto-reply.eml")), Report::NotFeedback);
    }
}
