//! Storing a policy, shared by the Authorization tab and the SES API: SES's name rules, the
//! document validated against the identity it is attached to, at most 20 per identity
//! (counted under the identity's lock, so concurrent puts cannot pass the limit).

use sqlx::PgPool;
use uuid::Uuid;

use super::{check_policy_name, db, parse_policy, MAX_POLICIES_PER_IDENTITY};
use crate::{error::AppError, identities::identity_arn, ids::AccountId};

/// How a put treats an existing policy of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutMode {
    /// Adding: the name must be free (the editor, SES v2 CreateEmailIdentityPolicy).
    Create,
    /// Editing: the policy must exist (SES v2 UpdateEmailIdentityPolicy).
    Replace,
    /// Either (SES v1 PutIdentityPolicy).
    Upsert,
}

/// Validates and stores `document` as policy `name` of the account's identity.
pub async fn put_policy(
    pool: &PgPool,
    account: &AccountId,
    identity_id: Uuid,
    name: &str,
    document: &str,
    mode: PutMode,
) -> Result<(), AppError> {
    let name = name.trim();
    check_policy_name(name).map_err(|m| AppError::field("name", m))?;
    if document.trim().is_empty() {
        return Err(AppError::field("document", "Policy is required."));
    }
    let mut tx = pool.begin().await?;
    let (target, names) = db::lock_identity(&mut tx, account, identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let exists = names.iter().any(|n| n == name);
    match (mode, exists) {
        (PutMode::Replace, false) => return Err(AppError::not_found(&format!("Policy {name}"))),
        (PutMode::Create, true) => {
            return Err(AppError::field(
                "name",
                format!("Policy {name} already exists."),
            ))
        }
        (PutMode::Create | PutMode::Upsert, false) if names.len() >= MAX_POLICIES_PER_IDENTITY => {
            return Err(AppError::Conflict {
                message: format!("Number of policies for {} exceeds max allowed number of policies per resource (at most {MAX_POLICIES_PER_IDENTITY}).", target.name),
            })
        }
        _ => {}
    }
    let arn = identity_arn(&target.region, account, &target.name);
    let policy = parse_policy(document, &arn)
        .map_err(|e| AppError::field("document", format!("Invalid policy: {e}")))?;
    db::upsert_policy(
        &mut *tx,
        account,
        identity_id,
        name,
        document,
        &policy.grantee_accounts(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
