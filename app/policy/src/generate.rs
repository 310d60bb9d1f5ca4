//! The policy generator: a form's answers (who, which actions, allow or deny, and the usual
//! conditions) written as a policy document. Runs in the browser; the document it writes is
//! then validated and stored like any other.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::Effect;

/// The generator form. Lists may be empty; an empty condition field adds no condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyDraft {
    pub sid: String,
    pub effect: Effect,
    /// Account ids, `arn:aws:iam::<account>:root` or user ARNs.
    pub principals: Vec<String>,
    pub actions: Vec<String>,
    /// `StringLike` patterns (`*`, `?`) for the From address.
    pub from_addresses: Vec<String>,
    pub from_display_names: Vec<String>,
    /// Every recipient must match one of these (`ForAllValues:StringLike`).
    pub recipients: Vec<String>,
    pub feedback_addresses: Vec<String>,
    /// The grant holds from/until these times (ISO 8601, UTC), exclusive.
    pub not_before: Option<String>,
    pub not_after: Option<String>,
    /// IPv4/IPv6 addresses or CIDR blocks the request must come from.
    pub source_ips: Vec<String>,
}

impl PolicyDraft {
    /// The policy document, pretty-printed, for the identity `identity_arn`.
    pub fn to_document(&self, identity_arn: &str) -> String {
        let mut statement = Map::new();
        if !self.sid.is_empty() {
            statement.insert("Sid".into(), json!(self.sid));
        }
        statement.insert("Effect".into(), json!(self.effect));
        statement.insert("Principal".into(), json!({ "AWS": self.principals }));
        statement.insert("Action".into(), json!(self.actions));
        statement.insert("Resource".into(), json!(identity_arn));
        let conditions = self.conditions();
        if !conditions.is_empty() {
            statement.insert("Condition".into(), Value::Object(conditions));
        }
        let document = json!({
            "Version": "2012-10-17",
            "Statement": [statement],
        });
        serde_json::to_string_pretty(&document).unwrap_or_default()
    }

    fn conditions(&self) -> Map<String, Value> {
        let mut conditions = Map::new();
        let mut add = |operator: &str, key: &str, values: Vec<String>| {
            if values.is_empty() {
                return;
            }
            let entry = conditions
                .entry(operator.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(keys) = entry {
                keys.insert(key.to_owned(), json!(values));
            }
        };
        add("StringLike", "ses:FromAddress", self.from_addresses.clone());
        add(
            "StringLike",
            "ses:FromDisplayName",
            self.from_display_names.clone(),
        );
        add(
            "StringLike",
            "ses:FeedbackAddress",
            self.feedback_addresses.clone(),
        );
        add(
            "ForAllValues:StringLike",
            "ses:Recipients",
            self.recipients.clone(),
        );
        let time = |t: &Option<String>| t.iter().map(|t| iam_time(t)).collect();
        add("DateGreaterThan", "aws:CurrentTime", time(&self.not_before));
        add("DateLessThan", "aws:CurrentTime", time(&self.not_after));
        add("IpAddress", "aws:SourceIp", self.source_ips.clone());
        conditions
    }
}

/// A browser's `datetime-local` value (`2026-05-01T09:30`) as the UTC time IAM writes
/// (`2026-05-01T09:30:00Z`); other values are kept as typed, for the validator to judge.
pub(super) fn iam_time(value: &str) -> String {
    let value = value.trim();
    match value.len() {
        16 if value.as_bytes()[10] == b'T' => format!("{value}:00Z"),
        19 if value.as_bytes()[10] == b'T' => format!("{value}Z"),
        _ => value.to_owned(),
    }
}

/// A list typed into one field: one item per line or comma (display names may hold spaces).
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{authorize, parse_policy, NamedPolicy, RequestContext};

    const ARN: &str = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

    fn draft() -> PolicyDraft {
        PolicyDraft {
            sid: "AllowMarketing".into(),
            effect: Effect::Allow,
            principals: vec!["123456789012".into()],
            actions: vec!["ses:SendEmail".into(), "ses:SendRawEmail".into()],
            from_addresses: split_list("marketing+*@example.com"),
            from_display_names: split_list("Example Marketing, Example Offers"),
            recipients: split_list("*@customer.example\n*@partner.example"),
            feedback_addresses: vec![],
            not_before: Some("2026-01-01T00:00".into()),
            not_after: Some("2027-01-01T00:00".into()),
            source_ips: split_list("192.0.2.0/24, 2001:db8::/32"),
        }
    }

    fn request(from: &str, to: &[&str], at: i64) -> RequestContext {
        RequestContext {
            principal_account: "123456789012".into(),
            principal_user_arn: None,
            action: "ses:SendRawEmail".into(),
            identity_arn: ARN.into(),
            from_address: Some(from.into()),
            from_display_name: Some("Example Offers".into()),
            feedback_address: None,
            recipients: to.iter().map(|s| (*s).to_owned()).collect(),
            source_ip: Some("192.0.2.10".parse().unwrap()),
            secure_transport: true,
            current_time: at,
            api_version: "2".into(),
            user_agent: None,
        }
    }

    #[test]
    fn generated_documents_parse_and_mean_what_the_form_said() {
        let document = draft().to_document(ARN);
        let policy = parse_policy(&document, ARN).unwrap_or_else(|e| panic!("{e}\n{document}"));
        let named = [NamedPolicy {
            name: "generated".into(),
            policy,
        }];
        let june_2026 = 1_780_000_000;
        let ok = request(
            "marketing+spring@example.com",
            &["a@customer.example"],
            june_2026,
        );
        assert!(authorize("888888888888", None, &named, &ok).is_allowed());
        let wrong_from = request("ceo@example.com", &["a@customer.example"], june_2026);
        assert!(!authorize("888888888888", None, &named, &wrong_from).is_allowed());
        let one_outsider = request(
            "marketing+x@example.com",
            &["a@customer.example", "b@elsewhere.example"],
            june_2026,
        );
        assert!(!authorize("888888888888", None, &named, &one_outsider).is_allowed());
        let too_late = request(
            "marketing+x@example.com",
            &["a@customer.example"],
            1_900_000_000,
        );
        assert!(!authorize("888888888888", None, &named, &too_late).is_allowed());
    }

    #[test]
    fn the_document_reads_in_the_order_people_write_it() {
        let document = draft().to_document(ARN);
        let at = |key: &str| document.find(key).unwrap();
        assert!(at("\"Version\"") < at("\"Statement\""));
        assert!(at("\"Sid\"") < at("\"Effect\"") && at("\"Effect\"") < at("\"Principal\""));
        assert!(at("\"Action\"") < at("\"Resource\"") && at("\"Resource\"") < at("\"Condition\""));
        assert!(document.contains("\"2026-01-01T00:00:00Z\""));
    }

    #[test]
    fn an_unconditional_draft_has_no_condition_block() {
        let bare = PolicyDraft {
            from_addresses: vec![],
            from_display_names: vec![],
            recipients: vec![],
            not_before: None,
            not_after: None,
            source_ips: vec![],
            ..draft()
        };
        let document = bare.to_document(ARN);
        assert!(!document.contains("Condition"));
        assert!(parse_policy(&document, ARN).is_ok());
    }

    #[test]
    fn lists_split_at_commas_and_lines_keeping_spaces_inside_items() {
        assert_eq!(
            split_list(" a@x.example,\nJohn Doe ,, \n"),
            vec!["a@x.example".to_owned(), "John Doe".to_owned()]
        );
    }
}
