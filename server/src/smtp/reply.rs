//! An SMTP reply line. Texts never carry CR or LF (they could end the reply early and
//! forge the next one), so anything interpolated into them is flattened here.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub text: String,
}

impl Reply {
    pub fn new(code: u16, text: impl Into<String>) -> Self {
        let text = text.into().replace(['\r', '\n'], " ");
        Self { code, text }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}\r\n", self.code, self.text)
    }
}

/// A multi-line reply (EHLO's): `250-first`, …, `250 last`.
pub fn multiline(code: u16, lines: &[String]) -> String {
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let separator = if i + 1 == lines.len() { ' ' } else { '-' };
        out.push_str(&format!("{code}{separator}{line}\r\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_one_line_whatever_they_quote() {
        let reply = Reply::new(553, "<a\r\n250 forged> Invalid email address");
        assert_eq!(
            reply.to_string(),
            "553 <a  250 forged> Invalid email address\r\n"
        );
    }

    #[test]
    fn multiline_replies_mark_all_but_the_last() {
        let lines = ["host".to_owned(), "8BITMIME".to_owned(), "Ok".to_owned()];
        assert_eq!(
            multiline(250, &lines),
            "250-host\r\n250-8BITMIME\r\n250 Ok\r\n"
        );
    }
}
