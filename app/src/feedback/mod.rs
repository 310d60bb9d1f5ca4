//! Feedback: what became of sent mail after the send — bounces (classed so that only bad
//! addresses are suppressed), complaints, the per-account suppression list — and the
//! Suppression list page.

mod api;
#[cfg(feature = "ssr")]
pub mod classify;
#[cfg(feature = "ssr")]
pub mod events;
mod page;
#[cfg(feature = "ssr")]
pub mod return_path;
#[cfg(feature = "ssr")]
pub mod suppression;

pub use api::*;
pub use page::SuppressionListPage;

use serde::{Deserialize, Serialize};

/// A bounce as recorded: SES's type and sub-type, the enhanced status, the class, and
/// whether it puts the address on the sending account's suppression list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    pub bounce_type: &'static str,
    pub sub_type: &'static str,
    pub status: Option<String>,
    /// `recipient`, `recipient-transient`, `policy`, `infrastructure`, `undetermined`,
    /// `suppressed` or `simulator`.
    pub class: &'static str,
    pub suppress: bool,
}

#[cfg(feature = "ssr")]
impl Bounce {
    /// A refusal from a receiving server (`code` is the SMTP reply code).
    pub fn from_reply(code: u16, text: &str) -> Self {
        Self::from_classified(classify::classify(code, None, text))
    }

    fn from_classified(classified: classify::Classified) -> Self {
        use classify::BounceClass::*;
        Self {
            bounce_type: classified.bounce_type,
            sub_type: classified.bounce_sub_type,
            suppress: classified.suppresses(),
            class: match classified.class {
                RecipientPermanent => "recipient",
                RecipientTransient => "recipient-transient",
                Policy => "policy",
                Infrastructure => "infrastructure",
                Undetermined => "undetermined",
            },
            status: classified.status,
        }
    }

    /// A failure reported later by a DSN: its enhanced status and the remote server's
    /// words (which usually start with the SMTP reply code).
    pub fn from_dsn(status: Option<&str>, diagnostic: &str) -> Self {
        let code = diagnostic
            .get(..3)
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| (400..600).contains(c))
            .unwrap_or(if status.is_some_and(|s| s.starts_with('4')) {
                450
            } else {
                550
            });
        Self::from_classified(classify::classify(code, status, diagnostic))
    }

    /// Still deferred when the message reached its maximum age.
    pub fn expired(code: u16, text: &str) -> Self {
        Self {
            bounce_type: "Transient",
            sub_type: "General",
            suppress: false,
            ..Self::from_reply(code, text)
        }
    }

    /// Not attempted: the address is on the account's suppression list.
    pub fn on_suppression_list() -> Self {
        Self {
            bounce_type: "Permanent",
            sub_type: "OnAccountSuppressionList",
            status: Some("5.1.1".to_owned()),
            class: "suppressed",
            suppress: false,
        }
    }

    /// The mailbox simulator's `bounce@`: a recipient bounce, suppressed like a real one
    /// so the whole path can be tried (SES leaves simulator addresses off the list; here a
    /// `+label` keeps runs apart, and the Suppression list page removes entries).
    pub fn simulated() -> Self {
        Self {
            bounce_type: "Permanent",
            sub_type: "General",
            status: Some("5.1.1".to_owned()),
            class: "simulator",
            suppress: true,
        }
    }

    /// The simulator's `suppressionlist@`: as if on a global suppression list.
    pub fn simulated_suppressed() -> Self {
        Self {
            bounce_type: "Permanent",
            sub_type: "Suppressed",
            status: Some("5.1.1".to_owned()),
            class: "simulator",
            suppress: false,
        }
    }
}

/// An address on the suppression list, as the page and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuppressedDestination {
    pub email_address: String,
    /// `BOUNCE` or `COMPLAINT` (SES v2's words).
    pub reason: String,
    pub message_id: Option<String>,
    pub last_update: String,
}
