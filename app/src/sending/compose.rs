//! Mailboxes as SES parameters carry them (`Marketing <news@example.com>`) and composing
//! `SendEmail`'s structured message into RFC 5322 with mail-builder. Line breaks in any
//! header value are refused rather than encoded, so no parameter can add a header line.

use mail_builder::{headers::address::Address, MessageBuilder};

use sesame_wire::raw_message::Mailbox;

/// Parses `Name <address>`, `"Name" <address>` or a bare address.
pub fn parse_mailbox(value: &str) -> Result<Mailbox, String> {
    refuse_line_breaks(value)?;
    let value = value.trim();
    let (name, address) = match (value.rfind('<'), value.ends_with('>')) {
        (Some(open), true) => {
            let name = value[..open].trim().trim_matches('"').trim();
            (
                (!name.is_empty()).then(|| name.to_owned()),
                &value[open + 1..value.len() - 1],
            )
        }
        _ => (None, value),
    };
    let address = address.trim();
    let valid = address
        .rsplit_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !address.contains(char::is_whitespace);
    if !valid {
        return Err(format!("Missing final '@domain' in {value}"));
    }
    Ok(Mailbox {
        address: address.to_owned(),
        display_name: name,
    })
}

/// Header values must not carry CR or LF (no header injection).
pub fn refuse_line_breaks(value: &str) -> Result<(), String> {
    if value.contains(['\r', '\n']) {
        Err(format!(
            "Header values may not contain line breaks: {:?}",
            value
        ))
    } else {
        Ok(())
    }
}

/// `SendEmail`'s message.
pub struct SimpleMessage<'a> {
    pub from: &'a Mailbox,
    pub to: &'a [Mailbox],
    pub cc: &'a [Mailbox],
    pub reply_to: &'a [Mailbox],
    pub subject: &'a str,
    pub text: Option<&'a str>,
    pub html: Option<&'a str>,
}

fn address(mailbox: &Mailbox) -> Address<'_> {
    match &mailbox.display_name {
        Some(name) => Address::new_address(Some(name.as_str()), mailbox.address.as_str()),
        None => Address::new_address(None::<&str>, mailbox.address.as_str()),
    }
}

fn list<'a>(mailboxes: &'a [Mailbox]) -> Address<'a> {
    Address::new_list(mailboxes.iter().map(address).collect())
}

/// The message as RFC 5322 bytes (Bcc recipients are envelope-only and not written).
pub fn compose(message: &SimpleMessage<'_>) -> Result<Vec<u8>, String> {
    refuse_line_breaks(message.subject)?;
    // Our own Message-ID: mail-builder's default would reveal the server's host name.
    let domain = message
        .from
        .address
        .rsplit_once('@')
        .map_or("sesame.invalid", |(_, d)| d);
    let mut builder = MessageBuilder::new()
        .message_id(format!("{}@{domain}", uuid::Uuid::new_v4().simple()))
        .from(address(message.from))
        .subject(message.subject);
    if !message.to.is_empty() {
        builder = builder.to(list(message.to));
    }
    if !message.cc.is_empty() {
        builder = builder.cc(list(message.cc));
    }
    if !message.reply_to.is_empty() {
        builder = builder.reply_to(list(message.reply_to));
    }
    if let Some(text) = message.text {
        builder = builder.text_body(text);
    }
    if let Some(html) = message.html {
        builder = builder.html_body(html);
    }
    builder.write_to_vec().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailboxes_parse_with_and_without_display_names() {
        let m = parse_mailbox("\"Marketing Team\" <news@example.com>").unwrap();
        assert_eq!(m.display_name.as_deref(), Some("Marketing Team"));
        assert_eq!(m.address, "news@example.com");
        assert_eq!(parse_mailbox(" a@example.com ").unwrap().display_name, None);
        assert!(parse_mailbox("nobody")
            .unwrap_err()
            .starts_with("Missing final '@domain'"));
        assert!(parse_mailbox("A <a@example.com>\r\nBcc: x@evil.example").is_err());
    }

    #[test]
    fn composed_messages_carry_the_parameters_and_no_injected_headers() {
        let from = parse_mailbox("Shop <shop@example.com>").unwrap();
        let to = [parse_mailbox("ann@customer.example").unwrap()];
        let message = SimpleMessage {
            from: &from,
            to: &to,
            cc: &[],
            reply_to: &[],
            subject: "Hello",
            text: Some("Hi Ann"),
            html: Some("<p>Hi Ann</p>"),
        };
        let raw = String::from_utf8(compose(&message).unwrap()).unwrap();
        assert!(
            raw.contains("From: \"Shop\" <shop@example.com>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("To: <ann@customer.example>\r\n"), "{raw}");
        assert!(raw.contains("Subject: Hello\r\n"), "{raw}");
        assert!(
            raw.contains("Hi Ann") && raw.contains("<p>Hi Ann</p>"),
            "{raw}"
        );
        let injected = SimpleMessage {
            subject: "Hi\r\nBcc: x@evil.example",
            ..message
        };
        assert!(compose(&injected).is_err());
    }
}
