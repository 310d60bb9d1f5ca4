//! Telling recipient bounces from the rest. A 5.1.1 "user unknown" says the address is
//! bad; a 5.7.1 "blocked by Spamhaus" says something about the sender, and suppressing the
//! address for it would silently drop good recipients (peer-lessons c5). So every refusal
//! is classed by its enhanced status code (RFC 3463) and, when that is missing or too
//! vague, by words in the reply — and only recipient-permanent bounces suppress.

use serde::{Deserialize, Serialize};

/// Whose fault a bounce is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BounceClass {
    /// The address does not exist or cannot take mail, for good.
    RecipientPermanent,
    /// The mailbox is full, the message too large for it: try again another day.
    RecipientTransient,
    /// The receiver refused the sender or the content (blocklists, reputation, spam).
    Policy,
    /// Routing, protocol or system trouble on either side.
    Infrastructure,
    /// Nothing in the reply says which.
    Undetermined,
}

/// A bounce in SES's vocabulary, with its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// `Permanent`, `Transient` or `Undetermined`.
    pub bounce_type: &'static str,
    /// `General`, `NoEmail`, `MailboxFull`, `MessageTooLarge`, `ContentRejected`,
    /// `AttachmentRejected` or `Undetermined`.
    pub bounce_sub_type: &'static str,
    pub class: BounceClass,
    /// The enhanced status code the class was read from (`5.1.1`), if any.
    pub status: Option<String>,
}

impl Classified {
    /// Only a bad address goes on the suppression list.
    pub fn suppresses(&self) -> bool {
        self.class == BounceClass::RecipientPermanent
    }
}

/// The enhanced status code in a reply or diagnostic: the first `[245].d{1,3}.d{1,3}`.
pub fn enhanced_status(text: &str) -> Option<String> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ',' | ';' | '#' | '<' | '>' | '-')
    })
    .find(|word| {
        let parts: Vec<&str> = word.split('.').collect();
        parts.len() == 3
            && matches!(parts[0], "2" | "4" | "5")
            && parts[1..]
                .iter()
                .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    })
    .map(str::to_owned)
}

const RECIPIENT_WORDS: &[&str] = &[
    "user unknown",
    "unknown user",
    "no such user",
    "no such mailbox",
    "does not exist",
    "doesn't exist",
    "recipient unknown",
    "unknown recipient",
    "invalid recipient",
    "address rejected",
    "mailbox unavailable",
    "mailbox not found",
    "account disabled",
    "account has been disabled",
    "no mailbox",
];
const FULL_WORDS: &[&str] = &[
    "mailbox full",
    "over quota",
    "quota exceeded",
    "insufficient storage",
];
const POLICY_WORDS: &[&str] = &[
    "blocked",
    "blacklist",
    "blocklist",
    "spamhaus",
    "reputation",
    "rbl",
    "dnsbl",
    "policy",
    "spam",
    "rate limit",
    "dmarc",
    "spf",
    "dkim",
];

fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Classes a refusal: `code` is the SMTP reply code (5xx permanent, 4xx transient) and
/// `text` the reply or the DSN's diagnostic (which may carry the enhanced status).
pub fn classify(code: u16, status: Option<&str>, text: &str) -> Classified {
    let lower = text.to_ascii_lowercase();
    // A reported status is used only when well-formed (a DSN's `Status:` is the sender's
    // words, not ours); otherwise the text's own code, if any.
    let status = status
        .and_then(enhanced_status)
        .or_else(|| enhanced_status(text));
    let (class, sub_type) = match status.as_deref().map(|s| s.split('.').collect::<Vec<_>>()) {
        // X.1.x: addressing. 1.2 (no such system) and 1.10 (null MX): the domain takes no mail.
        Some(p) if p[1] == "1" && matches!(p[2], "2" | "10") => {
            (BounceClass::RecipientPermanent, "NoEmail")
        }
        Some(p) if p[1] == "1" && matches!(p[2], "0" | "1" | "3" | "6") => {
            (BounceClass::RecipientPermanent, "General")
        }
        // X.2.x: the mailbox. 2.2 full, 2.3 message too large for it, 2.1 disabled.
        Some(p) if p[1] == "2" && p[2] == "2" => (BounceClass::RecipientTransient, "MailboxFull"),
        Some(p) if p[1] == "2" && p[2] == "3" => {
            (BounceClass::RecipientTransient, "MessageTooLarge")
        }
        Some(p) if p[1] == "2" && p[2] == "1" => (BounceClass::RecipientPermanent, "General"),
        // X.3.4: too big for the system.
        Some(p) if p[1] == "3" && p[2] == "4" => (BounceClass::Infrastructure, "MessageTooLarge"),
        // X.7.x: security and policy — unless the words say the user is unknown (some
        // servers answer 5.7.1 for that).
        Some(p) if p[1] == "7" && mentions(&lower, RECIPIENT_WORDS) => {
            (BounceClass::RecipientPermanent, "General")
        }
        Some(p) if p[1] == "7" => (BounceClass::Policy, policy_sub_type(&lower)),
        // X.3 (mail system), X.4 (network, routing), X.5 (protocol), X.6 (content conversion).
        Some(p) if matches!(p[1], "3" | "4" | "5" | "6") => {
            (BounceClass::Infrastructure, "General")
        }
        _ => by_words(&lower),
    };
    let bounce_type = match (class, code / 100) {
        (BounceClass::Undetermined, _) => "Undetermined",
        (BounceClass::RecipientTransient, _) | (_, 4) => "Transient",
        _ => "Permanent",
    };
    // A 4xx never makes an address bad, whatever its words.
    let class = match (class, code / 100) {
        (BounceClass::RecipientPermanent, 4) => BounceClass::RecipientTransient,
        (class, _) => class,
    };
    Classified {
        bounce_type,
        bounce_sub_type: if bounce_type == "Undetermined" {
            "Undetermined"
        } else {
            sub_type
        },
        class,
        status,
    }
}

fn by_words(lower: &str) -> (BounceClass, &'static str) {
    if mentions(lower, FULL_WORDS) {
        (BounceClass::RecipientTransient, "MailboxFull")
    } else if mentions(lower, RECIPIENT_WORDS) {
        (BounceClass::RecipientPermanent, "General")
    } else if mentions(lower, POLICY_WORDS) {
        (BounceClass::Policy, policy_sub_type(lower))
    } else {
        (BounceClass::Undetermined, "Undetermined")
    }
}

/// Refusals of the sending host rather than of the message.
const BLOCKLIST_WORDS: &[&str] = &[
    "blocked",
    "blacklist",
    "blocklist",
    "spamhaus",
    "rbl",
    "reputation",
];

fn policy_sub_type(lower: &str) -> &'static str {
    if mentions(lower, BLOCKLIST_WORDS) {
        "General"
    } else if lower.contains("attachment") {
        "AttachmentRejected"
    } else if lower.contains("content") || lower.contains("spam") || lower.contains("virus") {
        "ContentRejected"
    } else {
        "General"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_classed_by_status_then_words() {
        use BounceClass::*;
        let table: &[(u16, &str, BounceClass, &str, &str)] = &[
            (550, "550 5.1.1 <jane@example.com>: Recipient address rejected: User unknown", RecipientPermanent, "Permanent", "General"),
            (550, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup", RecipientPermanent, "Permanent", "NoEmail"),
            (550, "550-5.7.1 [203.0.113.9] Our system has detected that this message is likely unsolicited mail (spam)", Policy, "Permanent", "ContentRejected"),
            (554, "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org", Policy, "Permanent", "General"),
            (550, "550 5.7.1 <bob@example.org>: Recipient address rejected: user unknown in virtual mailbox table", RecipientPermanent, "Permanent", "General"),
            (552, "552 5.2.2 The email account that you tried to reach is over quota", RecipientTransient, "Transient", "MailboxFull"),
            (552, "552 5.3.4 Message size exceeds fixed limit", Infrastructure, "Permanent", "MessageTooLarge"),
            (554, "554 5.4.4 Invalid domain", Infrastructure, "Permanent", "General"),
            (550, "550 Requested action not taken: mailbox unavailable", RecipientPermanent, "Permanent", "General"),
            (550, "550 Rejected", Undetermined, "Undetermined", "Undetermined"),
            (450, "450 4.2.1 The user you are trying to contact is receiving mail too quickly", RecipientTransient, "Transient", "General"),
            (550, "550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy", Policy, "Permanent", "General"),
            (554, "554 5.7.1 Message rejected: attachment type not allowed", Policy, "Permanent", "AttachmentRejected"),
            (451, "451 4.1.1 user unknown (try again later)", RecipientTransient, "Transient", "General"),
        ];
        for &(code, text, class, bounce_type, sub_type) in table {
            let got = classify(code, None, text);
            assert_eq!(
                (got.class, got.bounce_type, got.bounce_sub_type),
                (class, bounce_type, sub_type),
                "{text}"
            );
        }
    }

    #[test]
    fn only_recipient_permanent_bounces_suppress() {
        assert!(classify(550, None, "550 5.1.1 user unknown").suppresses());
        assert!(
            !classify(554, None, "554 5.7.1 blocked using b.barracudacentral.org").suppresses()
        );
        assert!(!classify(452, None, "452 4.2.2 mailbox full").suppresses());
        assert!(!classify(550, None, "550 nope").suppresses());
    }

    #[test]
    fn malformed_statuses_are_ignored_not_trusted() {
        for status in ["", "5", "5.1", "x.y.z", "5.1.1.1"] {
            let got = classify(550, Some(status), "550 user unknown");
            assert_eq!(got.class, BounceClass::RecipientPermanent, "{status:?}");
            assert_eq!(got.status, None, "{status:?}");
        }
    }

    #[test]
    fn a_dsn_status_wins_over_the_text() {
        let got = classify(550, Some("5.1.1"), "smtp; 550 blocked");
        assert_eq!(
            (got.class, got.status.as_deref()),
            (BounceClass::RecipientPermanent, Some("5.1.1"))
        );
    }

    #[test]
    fn enhanced_status_codes_are_found_where_they_hide() {
        assert_eq!(
            enhanced_status("550-5.7.1 [1.2.3.4] no").as_deref(),
            Some("5.7.1")
        );
        assert_eq!(
            enhanced_status("smtp; 550 5.1.1 <a@b>... User").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(
            enhanced_status("#5.1.10 RESOLVER").as_deref(),
            Some("5.1.10")
        );
        assert_eq!(enhanced_status("550 Requested action not taken"), None);
        assert_eq!(enhanced_status("version 1.2.3"), None);
    }
}
