//! Copyable examples of sending through the SMTP interface, filled in with this Sesame's
//! host and port and the user's name (the password is a placeholder unless just created).

/// What an example needs.
pub struct Example<'a> {
    pub host: &'a str,
    pub port: u16,
    /// True for a TLS-from-the-first-byte port, false for STARTTLS.
    pub implicit_tls: bool,
    pub user: &'a str,
    pub password: &'a str,
}

/// A swaks command line.
pub fn swaks(e: &Example<'_>) -> String {
    let tls = if e.implicit_tls {
        "--tls-on-connect"
    } else {
        "--tls"
    };
    format!(
        "swaks --server {host}:{port} {tls} \\\n  --auth LOGIN --auth-user '{user}' --auth-password '{password}' \\\n  --from sender@example.com --to recipient@example.com \\\n  --header 'Subject: Hello from Sesame'",
        host = e.host,
        port = e.port,
        user = e.user,
        password = e.password,
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
        "import smtplib\nfrom email.message import EmailMessage\n\nmessage = EmailMessage()\nmessage[\"From\"] = \"sender@example.com\"\nmessage[\"To\"] = \"recipient@example.com\"\nmessage[\"Subject\"] = \"Hello from Sesame\"\n# Sending from an identity another account shared with you:\n# message[\"X-SES-SOURCE-ARN\"] = \"arn:aws:ses:us-east-1:123456789012:identity/example.com\"\nmessage.set_content(\"Hello!\")\n\n{connect}\n    smtp.login(\"{user}\", \"{password}\")\n    smtp.send_message(message)\n",
        user = e.user,
        password = e.password,
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
}
