//! Copyable examples of sending through the SMTP interface, filled in with this Sesame's
//! host and port, the user's name (the password is a placeholder unless just created) and
//! the identity sent as: an address it covers, and for a shared identity the
//! X-SES-SOURCE-ARN header that names it (without it, the send is refused as unverified).
//! They send to the mailbox simulator, which a sandboxed account may send to, so they work
//! as copied from a new account. Values are quoted as literals (`quote`): a shared
//! identity's name and ARN are another account's words.

use crate::{quote, sending::SIMULATOR_SUCCESS};

/// What an example needs.
pub struct Example<'a> {
    pub host: &'a str,
    pub port: u16,
    /// True for a TLS-from-the-first-byte port, false for STARTTLS.
    pub implicit_tls: bool,
    pub user: &'a str,
    pub password: &'a str,
    pub from: &'a str,
    /// A shared identity's ARN.
    pub source_arn: Option<&'a str>,
}

/// A swaks command line.
pub fn swaks(e: &Example<'_>) -> String {
    let tls = if e.implicit_tls {
        "--tls-on-connect"
    } else {
        "--tls"
    };
    format!(
        "swaks --server {host}:{port} {tls} \\\n  --auth LOGIN --auth-user {user} --auth-password {password} \\\n  --from {from} --to {to} \\\n  --header 'Subject: Hello from Sesame'{arn}",
        host = e.host,
        port = e.port,
        user = quote::shell(e.user),
        password = quote::shell(e.password),
        from = quote::shell(e.from),
        to = SIMULATOR_SUCCESS,
        arn = e
            .source_arn
            .map(|arn| format!(" \\\n  --header {}", quote::shell(&format!("X-SES-SOURCE-ARN: {arn}"))))
            .unwrap_or_default(),
    )
}

/// A Python (smtplib) script.
pub fn python(e: &Example<'_>) -> String {
    let connect = if e.implicit_tls {
        format!("with smtplib.SMTP_SSL(\"{}\", {}) as smtp:", e.host, e.port)
    } else {
        format!(
            "with smtplib.SMTP(\"{}\", {}) as smtp:\n    smtp.starttls()",
            e.host, e.port
        )
    };
    format!(
        "import smtplib\nfrom email.message import EmailMessage\n\nmessage = EmailMessage()\nmessage[\"From\"] = {from}\nmessage[\"To\"] = \"{to}\"\nmessage[\"Subject\"] = \"Hello from Sesame\"\n{arn}message.set_content(\"Hello!\")\n\n{connect}\n    smtp.login({user}, {password})\n    smtp.send_message(message)\n",
        user = quote::python(e.user),
        password = quote::python(e.password),
        from = quote::python(e.from),
        to = SIMULATOR_SUCCESS,
        arn = e
            .source_arn
            .map(|arn| format!("# The identity another account shared with you (removed before delivery):\nmessage[\"X-SES-SOURCE-ARN\"] = {}\n", quote::python(arn)))
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: Example<'static> = Example {
        host: "mail.example.com",
        port: 2587,
        implicit_tls: false,
        user: "AKIAEXAMPLE",
        password: "BSECRET",
        from: "sender@example.com",
        source_arn: None,
    };

    #[test]
    fn examples_use_the_right_kind_of_tls() {
        assert!(swaks(&EXAMPLE).contains("--server mail.example.com:2587 --tls "));
        assert!(python(&EXAMPLE).contains("smtp.starttls()"));
        let implicit = Example {
            port: 2465,
            implicit_tls: true,
            ..EXAMPLE
        };
        assert!(swaks(&implicit).contains("--tls-on-connect"));
        assert!(python(&implicit).contains("smtplib.SMTP_SSL(\"mail.example.com\", 2465)"));
        assert!(!python(&implicit).contains("starttls"));
    }

    #[test]
    fn a_shared_identity_is_named_by_its_arn_header() {
        assert!(!swaks(&EXAMPLE).contains("X-SES-SOURCE-ARN"));
        assert!(!python(&EXAMPLE).contains("X-SES-SOURCE-ARN"));
        let arn = "arn:aws:ses:us-east-1:111122223333:identity/partner.example";
        let shared = Example {
            from: "sender@partner.example",
            source_arn: Some(arn),
            ..EXAMPLE
        };
        assert!(swaks(&shared).contains(&format!("--header 'X-SES-SOURCE-ARN: {arn}'")));
        assert!(swaks(&shared).contains("--from 'sender@partner.example' "));
        assert!(python(&shared).contains(&format!("message[\"X-SES-SOURCE-ARN\"] = \"{arn}\"")));
        assert!(python(&shared).contains("message[\"From\"] = \"sender@partner.example\""));
    }
}
