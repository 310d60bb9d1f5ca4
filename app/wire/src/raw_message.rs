//! Raw messages as `SendRawEmail` receives them. Sending authorization may ride in
//! `X-SES-SOURCE-ARN`, `X-SES-FROM-ARN` and `X-SES-RETURN-PATH-ARN` headers: the first
//! instance of each counts, and every `X-SES-*` header is removed before the message is
//! stored, so none is ever delivered or DKIM-signed. From and the recipients are read from
//! the remaining headers with mail-parser — after the line breaks are made CRLF, as they
//! will be on the wire (`line_endings`), so what is authorized is what is delivered.

use mail_parser::{HeaderName, HeaderValue, MessageParser};

/// A mailbox from a header: the address and the display name, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub address: String,
    pub display_name: Option<String>,
}

/// What a raw message says about its own sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// The one From mailbox (several From headers or mailboxes are refused: a reader's
    /// client could show one that was never authorized).
    pub from: Mailbox,
    /// A `Sender` header's mailbox, which must be authorized like From.
    pub sender: Option<Mailbox>,
    /// A `Return-Path` header's address, authorized by the Return-Path ARN.
    pub return_path: Option<String>,
    /// To, Cc and Bcc addresses, in that order.
    pub recipients: Vec<String>,
    pub source_arn: Option<String>,
    pub from_arn: Option<String>,
    pub return_path_arn: Option<String>,
    /// `X-SES-CONFIGURATION-SET`: the sender's configuration set for this message.
    pub configuration_set: Option<String>,
    /// `X-SES-MESSAGE-TAGS`, as written (`name=value, …`; checked by `tags`).
    pub message_tags: Option<String>,
    /// The message with every `X-SES-*` header removed.
    pub message: Vec<u8>,
}

/// Splits `raw` into its header fields (each with its folded continuation lines) and the
/// rest (the blank line and the body).
fn header_fields(raw: &[u8]) -> (Vec<&[u8]>, &[u8]) {
    let mut fields: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    let mut field_start = 0;
    while start < raw.len() {
        let end = raw[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| start + i + 1);
        let line = &raw[start..end];
        if line == b"\r\n" || line == b"\n" {
            if field_start < start {
                fields.push(&raw[field_start..start]);
            }
            return (fields, &raw[start..]);
        }
        let continues = matches!(line.first(), Some(b' ' | b'\t'));
        if !continues && field_start < start {
            fields.push(&raw[field_start..start]);
            field_start = start;
        }
        start = end;
    }
    if field_start < raw.len() {
        fields.push(&raw[field_start..]);
    }
    (fields, &[])
}

/// True if `field` begins `name:` (RFC 5322 ftext, then the colon). Parsers differ on
/// anything else — a line of white space, a line without a colon, blanks before the colon
/// (obsolete syntax) — some ending the header section there, some skipping the line, some
/// reading it as a field; so such a message is refused rather than read one way here and
/// another way by its receiver.
fn well_formed(field: &[u8]) -> bool {
    let name_len = field
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    name_len > 0 && field.get(name_len) == Some(&b':')
}

/// The field's name and its unfolded, trimmed value.
fn name_and_value(field: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(field);
    let (name, value) = text.split_once(':')?;
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    Some((name.trim().to_ascii_lowercase(), value))
}

pub fn parse_raw(raw: &[u8]) -> Result<RawMessage, String> {
    let raw = crate::line_endings::normalise(raw);
    let (fields, rest) = header_fields(&raw);
    if fields.is_empty() {
        return Err("The raw message has no headers.".to_owned());
    }
    if let Some(bad) = fields.iter().find(|f| !well_formed(f)) {
        let line = String::from_utf8_lossy(bad);
        let line = line.lines().next().unwrap_or_default();
        return Err(format!(
            "The raw message has a malformed header line (not `Name: value`): {line:?}"
        ));
    }
    let (mut source_arn, mut from_arn, mut return_path_arn) = (None, None, None);
    let mut configuration_set = None;
    let mut message_tags = None;
    let mut message = Vec::with_capacity(raw.len());
    for field in fields {
        match name_and_value(field) {
            Some((name, value)) if name.starts_with("x-ses-") => {
                let slot = match name.as_str() {
                    "x-ses-source-arn" => Some(&mut source_arn),
                    "x-ses-from-arn" => Some(&mut from_arn),
                    "x-ses-return-path-arn" => Some(&mut return_path_arn),
                    "x-ses-configuration-set" => Some(&mut configuration_set),
                    "x-ses-message-tags" => Some(&mut message_tags),
                    _ => None,
                };
                if let Some(slot) = slot {
                    slot.get_or_insert(value);
                }
            }
            _ => message.extend_from_slice(field),
        }
    }
    message.extend_from_slice(rest);
    let parsed = MessageParser::default()
        .parse_headers(&message)
        .ok_or_else(|| "The raw message could not be parsed.".to_owned())?;
    // Every entry of the header, with its address if it has one: an entry without one
    // (`"ceo@victim.example"` alone, quoted) is not silently skipped in From or Sender,
    // where a reader's client would still show it.
    let entries = |name: HeaderName<'static>| -> Vec<Option<Mailbox>> {
        parsed
            .header_values(name)
            .filter_map(HeaderValue::as_address)
            .flat_map(|list| list.iter())
            .map(|a| {
                a.address().map(|address| Mailbox {
                    address: address.to_owned(),
                    display_name: a.name().map(str::to_owned),
                })
            })
            .collect()
    };
    let mailboxes = |name: HeaderName<'static>| -> Vec<Mailbox> {
        entries(name).into_iter().flatten().collect()
    };
    let from_headers = parsed.header_values(HeaderName::From).count();
    let from = match entries(HeaderName::From).as_slice() {
        [Some(one)] if from_headers == 1 => one.clone(),
        [] if from_headers == 0 => return Err("Missing required header 'From'.".to_owned()),
        _ => {
            return Err(
                "The message must have exactly one From header with exactly one address."
                    .to_owned(),
            )
        }
    };
    let sender = match entries(HeaderName::Sender).as_slice() {
        [] if parsed.header_values(HeaderName::Sender).count() == 0 => None,
        [Some(one)] => Some(one.clone()),
        _ => return Err("The message must have at most one Sender address.".to_owned()),
    };
    let return_path = parsed
        .header_values(HeaderName::ReturnPath)
        .find_map(|v| {
            v.as_text()
                .map(|t| t.trim_matches(['<', '>', ' ']).to_owned())
        })
        .filter(|t| !t.is_empty());
    let recipients = [HeaderName::To, HeaderName::Cc, HeaderName::Bcc]
        .into_iter()
        .flat_map(mailboxes)
        .map(|m| m.address)
        .collect();
    Ok(RawMessage {
        from,
        sender,
        return_path,
        recipients,
        source_arn,
        from_arn,
        return_path_arn,
        configuration_set,
        message_tags,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "X-SES-FROM-ARN: arn:aws:ses:us-east-1:888888888888:identity/example.com\r\n\
        From: \"Marketing Team\" <news@example.com>\r\n\
        X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:888888888888:identity/\r\n example.com\r\n\
        To: ann@customer.example, Bob <bob@customer.example>\r\n\
        Cc: carol@customer.example\r\n\
        X-SES-FROM-ARN: arn:aws:ses:us-east-1:999999999999:identity/evil.example\r\n\
        X-Ses-Configuration-Set: marketing\r\n\
        X-SES-CONFIGURATION-SET: second-is-ignored\r\n\
        Subject: Hello\r\n\
        \r\n\
        X-SES-FROM-ARN: in the body is just text\r\n";

    #[test]
    fn x_ses_headers_are_read_first_instance_first_and_removed() {
        let raw = parse_raw(RAW.as_bytes()).unwrap();
        assert_eq!(
            raw.from_arn.as_deref(),
            Some("arn:aws:ses:us-east-1:888888888888:identity/example.com")
        );
        // Folded lines are unfolded.
        assert_eq!(
            raw.source_arn.as_deref(),
            Some("arn:aws:ses:us-east-1:888888888888:identity/ example.com")
        );
        assert_eq!(raw.return_path_arn, None);
        assert_eq!(raw.configuration_set.as_deref(), Some("marketing"));
        let text = String::from_utf8(raw.message).unwrap();
        assert!(
            !text.to_ascii_lowercase().contains("x-ses-from-arn: arn"),
            "{text}"
        );
        assert!(
            !text.to_ascii_lowercase().contains("configuration-set"),
            "{text}"
        );
        assert!(text.starts_with("From: \"Marketing Team\" <news@example.com>\r\nTo: "));
        assert!(text.ends_with("\r\n\r\nX-SES-FROM-ARN: in the body is just text\r\n"));
    }

    #[test]
    fn from_and_recipients_come_from_the_headers() {
        let raw = parse_raw(RAW.as_bytes()).unwrap();
        assert_eq!(
            raw.from,
            Mailbox {
                address: "news@example.com".into(),
                display_name: Some("Marketing Team".into()),
            }
        );
        assert_eq!(
            raw.recipients,
            [
                "ann@customer.example",
                "bob@customer.example",
                "carol@customer.example"
            ]
        );
    }

    #[test]
    fn bare_line_feeds_are_understood_and_stored_as_crlf() {
        let raw =
            parse_raw(b"From: a@example.com\nX-SES-SOURCE-ARN: x\nTo: b@example.org\n\nbody\n")
                .unwrap();
        assert_eq!(raw.source_arn.as_deref(), Some("x"));
        assert_eq!(raw.recipients, ["b@example.org"]);
        assert_eq!(
            raw.message,
            b"From: a@example.com\r\nTo: b@example.org\r\n\r\nbody\r\n"
        );
    }

    #[test]
    fn header_lines_that_parsers_read_differently_are_refused() {
        for raw in [
            "From: news@a.example\r\n\x0c\r\nFrom: CEO <ceo@a.example>\r\nTo: x@b.example\r\n\r\nx",
            "From: news@a.example\r\nFrom\r\n : CEO <ceo@a.example>\r\nTo: x@b.example\r\n\r\nx",
            " From: CEO <ceo@a.example>\r\nFrom: news@a.example\r\nTo: x@b.example\r\n\r\nx",
            "From: news@a.example\r\nX Y: z\r\nTo: x@b.example\r\n\r\nx",
            "From: \"ceo@victim.example\", news@a.example\r\nTo: x@b.example\r\n\r\nx",
            "From : CEO <ceo@a.example>\r\nFrom: news@a.example\r\nTo: x@b.example\r\n\r\nx",
        ] {
            assert!(parse_raw(raw.as_bytes()).is_err(), "{raw:?} was accepted");
        }
        // Folding is fine.
        let fine = "From: news@a.example\r\nSubject: a\r\n long one\r\nTo: x@b.example\r\n\r\nx";
        assert_eq!(
            parse_raw(fine.as_bytes()).unwrap().from.address,
            "news@a.example"
        );
    }

    #[test]
    fn a_bare_carriage_return_breaks_the_line_here_as_on_the_wire() {
        // The second From (and the hidden X-SES header) exist for a receiver, so they
        // exist for acceptance too.
        let smuggled = b"From: me@mine.example\r\nX-A: 1\rFrom: ceo@victim.example\r\nTo: a@b.example\r\n\r\nx";
        assert!(parse_raw(smuggled).is_err());
        let hidden =
            b"From: me@mine.example\r\nX-A: 1\rX-SES-FROM-ARN: arn:x\r\nTo: a@b.example\r\n\r\nx";
        let raw = parse_raw(hidden).unwrap();
        assert_eq!(raw.from_arn.as_deref(), Some("arn:x"));
        assert!(!String::from_utf8(raw.message).unwrap().contains("X-SES"));
    }

    #[test]
    fn one_from_mailbox_is_required_and_every_recipient_header_counts() {
        let two_headers =
            "From: me@mine.example\r\nFrom: ceo@victim.example\r\nTo: a@b.example\r\n\r\nx";
        assert!(parse_raw(two_headers.as_bytes()).is_err());
        let two_mailboxes = "From: me@mine.example, ceo@victim.example\r\nTo: a@b.example\r\n\r\nx";
        assert!(parse_raw(two_mailboxes.as_bytes()).is_err());
        assert!(parse_raw(b"To: a@b.example\r\n\r\nx").is_err());
        let raw = parse_raw(
            b"From: me@mine.example\r\nSender: ops@mine.example\r\nReturn-Path: <bounce@mine.example>\r\nTo: a@b.example\r\nTo: c@d.example\r\nBcc: e@f.example\r\n\r\nx",
        )
        .unwrap();
        assert_eq!(
            raw.recipients,
            ["a@b.example", "c@d.example", "e@f.example"]
        );
        assert_eq!(raw.sender.unwrap().address, "ops@mine.example");
        assert_eq!(raw.return_path.as_deref(), Some("bounce@mine.example"));
    }
}
