//! Storing a policy, shared by the Authorization tab and the SES API: SES's name rules, the
//! document validated against the identity it is attached to, at most 20 per identity
//! (counted under the identity's lock, so concurrent puts cannot pass the limit).

use sqlx::PgPool;
use uuid::Uuid;

use super::{check_policy_name, db, parse_policy, MAX_POLICIES_PER_IDENTITY};
use crate::{
    audit::{self, Actor, AuditKind, Change},
    error::AppError,
    identities::identity_arn,
    ids::AccountId,
};
use sesame_policy::{revoke_account, Revoked};

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

/// Validates and stores `document` as policy `name` of the account's identity, recording
/// the change (with the document it replaced) for `actor`.
pub async fn put_policy(
    pool: &PgPool,
    account: &AccountId,
    identity_id: Uuid,
    name: &str,
    document: &str,
    mode: PutMode,
    actor: &Actor,
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
    let grantees = policy.grantee_accounts();
    let replaced =
        db::upsert_policy(&mut *tx, account, identity_id, name, document, &grantees).await?;
    let kind = match replaced {
        Some(_) => AuditKind::PolicyUpdated,
        None => AuditKind::PolicyCreated,
    };
    let change = Change::new(kind, name)
        .on(identity_id, &target.name)
        .document(replaced.as_deref(), Some(document));
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes policy `name` of the account's identity, recording it (and the document) for
/// `actor`; false if there was no such policy (nothing is recorded).
pub async fn delete_policy(
    pool: &PgPool,
    account: &AccountId,
    identity_id: Uuid,
    name: &str,
    actor: &Actor,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let Some((target, _)) = db::lock_identity(&mut tx, account, identity_id).await? else {
        return Ok(false);
    };
    let Some(document) = db::delete_policy(&mut *tx, account, identity_id, name).await? else {
        return Ok(false);
    };
    let change = Change::new(AuditKind::PolicyDeleted, name)
        .on(identity_id, &target.name)
        .document(Some(&document), None);
    audit::record(&mut *tx, account, actor, change).await?;
    tx.commit().await?;
    Ok(true)
}

/// Revokes `delegate` on the owner's identity: every policy that allows it is rewritten
/// without it (or deleted when nothing is left), in one transaction under the identity's
/// lock. On a domain, the owner's address identities under it are revoked too: their own
/// policies would still decide for their addresses under the domain's ARN. Each policy
/// changed is recorded for `actor`, with its diff. Returns how many policies changed; the
/// delegate's next send is denied.
pub async fn revoke_delegate(
    pool: &PgPool,
    account: &AccountId,
    identity_id: Uuid,
    delegate: &AccountId,
    actor: &Actor,
) -> Result<usize, AppError> {
    let mut tx = pool.begin().await?;
    let (target, _) = db::lock_identity(&mut tx, account, identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let mut identities = vec![(identity_id, target)];
    if !identities[0].1.name.contains('@') {
        let (region, domain) = (identities[0].1.region.clone(), identities[0].1.name.clone());
        for address in db::addresses_under(&mut *tx, account, &region, &domain).await? {
            if let Some((target, _)) = db::lock_identity(&mut tx, account, address).await? {
                identities.push((address, target));
            }
        }
    }
    let mut changed = 0;
    for (id, target) in &identities {
        let arn = identity_arn(&target.region, account, &target.name);
        for policy in db::list_policies(&mut *tx, account, *id).await? {
            let rewritten = match revoke_account(&policy.document, delegate.as_str(), &arn) {
                Revoked::Unchanged => continue,
                Revoked::Emptied => {
                    db::delete_policy(&mut *tx, account, *id, &policy.name).await?;
                    None
                }
                Revoked::Rewritten(document) => {
                    let parsed = parse_policy(&document, &arn).map_err(|e| AppError::Conflict {
                        message: format!(
                            "Policy {} of {} cannot be rewritten without account {delegate} ({e}); edit it on the Authorization tab.",
                            policy.name, target.name
                        ),
                    })?;
                    let grantees = parsed.grantee_accounts();
                    db::upsert_policy(&mut *tx, account, *id, &policy.name, &document, &grantees)
                        .await?;
                    Some(document)
                }
            };
            let subject = format!("{delegate} from {}", policy.name);
            let change = Change::new(AuditKind::DelegateRevoked, &subject)
                .on(*id, &target.name)
                .document(Some(&policy.document), rewritten.as_deref());
            audit::record(&mut *tx, account, actor, change).await?;
            changed += 1;
        }
    }
    tx.commit().await?;
    Ok(changed)
}
