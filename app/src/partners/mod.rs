//! Partner links: instead of asking a partner for its 12-digit account id, an identity's
//! owner makes a link (on the identity's Authorization tab), gives it to the partner, and
//! the partner, signed in, accepts it. The owner then picks the partner by name in the
//! policy generator, which fills in the partner's account as the principal. Accepting
//! tells the owner the partner's id and name and nothing else; it grants nothing: only a
//! policy the owner saves does.
//!
//! A link is a 32-character random token (only its SHA-256 is stored), works for
//! [`VALIDITY`], once, and only for another account; an identity has at most
//! [`MAX_OPEN`] links open at a time.

mod api;
#[cfg(feature = "ssr")]
pub mod db;
mod pages;

pub use api::*;
pub use pages::{PartnerInvitationPage, PartnerLinks};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a link can be accepted, in days.
pub const VALIDITY_DAYS: i64 = 7;

/// Links of one identity that may be open (made, not accepted, not expired) at once.
pub const MAX_OPEN: i64 = 20;

/// One of an identity's links, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerLink {
    pub invitation_id: Uuid,
    pub created: String,
    pub expires: String,
    /// The account that accepted it, with its name.
    pub partner: Option<Partner>,
}

/// An account that accepted a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub account_id: String,
    pub name: String,
}

/// A link as the partner opening it sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    pub owner_name: String,
    pub owner_account: String,
    /// The identity (and region) the owner means to let the partner send as.
    pub identity: String,
    pub region: String,
    pub state: InvitationState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    Open,
    /// Accepted by the viewer's account.
    AcceptedByYou,
}
