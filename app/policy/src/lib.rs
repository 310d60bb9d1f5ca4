//! The sending authorization policy language of Sesame: parsing and validating policy
//! documents, and the evaluator that decides every delegated send. Plain Rust with no I/O,
//! so the server runs it on each send, the browser runs the same validator in the policy
//! editor (wasm), and benchmarks and fuzzing build it in seconds.
//!
//! Semantics follow SES and IAM (see `shared/reference/ses-semantics.md` §1): default deny,
//! explicit deny wins, the owner is always allowed, and an email-address identity's policies
//! take precedence over its domain's.

mod address;
mod condition;
mod context;
mod evaluate;
mod generate;
mod glob;
mod grants;
mod parse;
mod revoke;
#[cfg(test)]
mod tests;

pub use context::{form_time, RequestContext};
pub use evaluate::{authorize, evaluate, governing, Decision, NamedPolicy, Unmet};
pub use generate::{split_list, PolicyDraft};
pub use grants::Grant;
pub use parse::{parse_policy, Policy, Principals, Statement};
pub use revoke::{revoke_account, Revoked};

use serde::{Deserialize, Serialize};

/// The actions sending authorization governs.
pub const ACTIONS: [&str; 4] = [
    "ses:SendEmail",
    "ses:SendRawEmail",
    "ses:SendTemplatedEmail",
    "ses:SendBulkTemplatedEmail",
];
/// SES's limits.
pub const MAX_POLICY_BYTES: usize = 4096;
pub const MAX_POLICIES_PER_IDENTITY: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// Why a policy document was refused (`InvalidPolicy`), naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PolicyError {
    pub field: String,
    pub message: String,
}

impl PolicyError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// SES's rule for policy names, with its error text.
pub fn check_policy_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("PolicyName is required.".to_owned());
    }
    if name.chars().count() > 64 {
        return Err("1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 64".to_owned());
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err("PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores.".to_owned());
    }
    Ok(())
}

/// The document without insignificant whitespace, keys in the order written (SES returns
/// stored policies this way). Unparsable text is returned as it is.
pub fn minified(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| document.to_owned())
}
