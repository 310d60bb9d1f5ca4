//! A user's own sign-in security, on the Security page: changing the password (which signs
//! out every other session) and the address (`email_change`), two-factor sign-in (`auth::two_factor`) and the list of
//! sessions signed in as the user, any of which the user can end. Sessions are the
//! `auth::registry`'s.

mod api;
mod confirm_email_page;
#[cfg(feature = "ssr")]
mod db;
mod email_card;
#[cfg(feature = "ssr")]
pub mod email_change;
mod page;
mod requirement;
mod requirement_card;
mod two_factor;
mod two_factor_card;

pub use api::*;
pub use confirm_email_page::ConfirmEmailPage;
pub use page::SecurityPage;
pub use requirement::*;
pub use requirement_card::TwoFactorRequirement;
pub use two_factor::*;
pub use two_factor_card::TwoFactorCard;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One of the user's live sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignedInSession {
    pub handle: Uuid,
    pub signed_in: String,
    pub last_seen: String,
    /// The address of its latest request (at most a minute old).
    pub client_address: String,
    pub user_agent: String,
    /// The session asking.
    pub current: bool,
}
