//! Sending authorization policies on identities: storing them (at most 20 per identity),
//! the owner's Authorization tab (editor, generator, simulator), a delegate's "Shared with
//! me", and loading policies to authorize a request. The language itself — parser,
//! validator, evaluator — is the `sesame-policy` crate (`app/policy/`), re-exported here.

mod api;
#[cfg(feature = "ssr")]
pub mod authorization;
#[cfg(feature = "ssr")]
pub mod db;
mod pages;
#[cfg(feature = "ssr")]
pub mod service;

pub use api::*;
pub use pages::{AuthorizationTab, SharedWithMePage};
pub use sesame_policy::*;

use serde::{Deserialize, Serialize};

/// A policy as stored on an identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPolicy {
    pub name: String,
    pub document: String,
    pub updated_at: String,
}

/// An identity of another account that names the caller's account (or one of its users) in
/// a policy, with what those statements say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedIdentity {
    /// What to pass as SourceArn, FromArn or ReturnPathArn.
    pub arn: String,
    pub name: String,
    pub kind: crate::identities::IdentityKind,
    pub region: String,
    pub owner_account: String,
    /// The owner's display name.
    pub owner_name: String,
    pub status: crate::identities::VerificationStatus,
    pub grants: Vec<Grant>,
    /// When the owner last changed a policy that grants to the caller.
    pub grants_changed: String,
}

/// A policy of another account that named the caller's account and no longer does (it was
/// rewritten, deleted, or its identity was): a withdrawn grant, as "Shared with me" counts
/// grants (Allow or Deny statements naming the account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawnGrant {
    pub arn: String,
    pub name: String,
    pub region: String,
    pub owner_account: String,
    /// "" when the owner's account has been deleted.
    pub owner_name: String,
    pub policy: String,
    /// What happened, in words.
    pub what: String,
    pub when: String,
}

/// How long "Shared with me" lists a withdrawn grant (and how long it is kept).
pub const WITHDRAWALS_SHOWN_DAYS: i32 = 90;

/// The simulator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Simulation {
    pub allowed: bool,
    /// Which statement decided, in words.
    pub explanation: String,
    /// The identity whose policies were evaluated (None when the owner asked).
    pub evaluated_identity: Option<String>,
}
