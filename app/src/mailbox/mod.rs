//! Sesame's built-in mailbox (the `sink` delivery mode): mail "delivered" here is kept in
//! Postgres and shown in the UI, like a mail catcher, so the whole flow works on one
//! machine. An account sees the copies its own sends delivered, and its admins see
//! Sesame's own mail about the account — never anything because of an address it names.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod page;

pub use api::*;
pub use page::{MailboxMessagePage, MailboxPage};

use serde::{Deserialize, Serialize};

/// A message in the mailbox list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailboxEntry {
    pub mailbox_message_id: uuid::Uuid,
    pub recipient: String,
    pub sender: String,
    pub subject: String,
    pub received: String,
}

/// One message with its headers and text body (decoded by a MIME parser) and its full
/// source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailboxMessage {
    pub entry: MailboxEntry,
    /// (name, value) in order, folded lines joined (the DKIM-Signature among them).
    pub headers: Vec<(String, String)>,
    pub text: Option<String>,
    pub raw: String,
}

/// The `http(s)://…` links in a text, so the mailbox can make them clickable without ever
/// rendering the message as HTML.
pub fn links_in(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
        .filter(|word| word.starts_with("https://") || word.starts_with("http://"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_in_plain_text() {
        let text =
            "Open <https://a.example/x?y=1> or http://b.example/z\r\nnot javascript:alert(1)";
        assert_eq!(
            links_in(text),
            ["https://a.example/x?y=1", "http://b.example/z"]
        );
    }
}
