//! An SMTP reply: a code and one or more lines (EHLO's are several: `250-first`, …,
//! `250 last`). Texts never carry CR or LF (they could end the reply early and forge the
//! next one), so anything interpolated into them is flattened here.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    pub fn new(code: u16, text: impl Into<String>) -> Self {
        Self::multiline(code, [text.into()])
    }

    pub fn multiline(code: u16, lines: impl IntoIterator<Item = String>) -> Self {
        let lines = lines
            .into_iter()
            .map(|line| line.replace(['\r', '\n'], " "))
            .collect();
        Self { code, lines }
    }
}

impl Reply {
    /// A 2xx: what was asked was done.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last = self.lines.len().saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate() {
            let separator = if i == last { ' ' } else { '-' };
            write!(f, "{}{separator}{line}\r\n", self.code)?;
        }
        Ok(())
    }
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
        let lines = [
            "host".to_owned(),
            "8BITMIME\r\n250 x".to_owned(),
            "Ok".to_owned(),
        ];
        assert_eq!(
            Reply::multiline(250, lines).to_string(),
            "250-host\r\n250-8BITMIME  250 x\r\n250 Ok\r\n"
        );
    }
}
