//! Creating identities, shared by the identities pages and the SES API: a domain gets a
//! verification token and a fresh DKIM key; an address gets a mailed link. Both are counted
//! against the account's per-region limit under a lock, so concurrent creations cannot pass
//! it.

use rand::{distributions::Alphanumeric, Rng};
use uuid::Uuid;

use super::{
    db, dkim,
    domain::{address_identity_name, DomainName},
    email, identity_arn, DkimAlgorithm, IdentityKind, IdentitySummary, VerificationStatus,
    MAX_IDENTITIES,
};
use crate::{
    error::AppError,
    ids::AccountId,
    server::{errors::internal, errors::ConstraintExt, AppContext},
};

/// Adds a domain identity, status Pending.
pub async fn create_domain(
    ctx: &AppContext,
    account: &AccountId,
    region: &str,
    domain: &str,
    algorithm: DkimAlgorithm,
) -> Result<IdentitySummary, AppError> {
    let domain = DomainName::parse(domain).map_err(|m| AppError::field("domain", m))?;
    if !ctx.regions.iter().any(|r| r == region) {
        return Err(AppError::field(
            "region",
            format!("Sesame does not serve region `{region}`."),
        ));
    }
    let key = tokio::task::spawn_blocking(move || dkim::generate(algorithm))
        .await
        .map_err(internal)?
        .map_err(internal)?;
    let identity_id = Uuid::new_v4();
    let sealed = ctx.vault.seal(&key.private_key, &identity_id.to_string());
    let token: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(44)
        .map(char::from)
        .collect();

    let mut tx = ctx.pool.begin().await?;
    reserve_slot(&mut tx, account, region).await?;
    let new = db::NewDomainIdentity {
        identity_id,
        region,
        name: domain.as_str(),
        token: &token,
        dkim_selector: &key.selector,
        dkim_algorithm: key.algorithm.as_str(),
        dkim_public_key: &key.public_key,
        dkim_private_key: &sealed,
    };
    db::insert_domain_identity(&mut *tx, account, &new)
        .await
        .on_constraint("identity_name_key", || {
            AppError::field("domain", "You already have this identity in this region.")
        })?;
    tx.commit().await?;
    Ok(IdentitySummary {
        arn: identity_arn(region, account, domain.as_str()),
        identity_id,
        kind: IdentityKind::Domain,
        name: domain.to_string(),
        region: region.to_owned(),
        status: VerificationStatus::Pending,
    })
}

/// Adds an email-address identity and mails it a verification link (valid 24 hours).
pub async fn create_email(
    ctx: &AppContext,
    account: &AccountId,
    region: &str,
    email: &str,
) -> Result<IdentitySummary, AppError> {
    let address = address_identity_name(email).map_err(|m| AppError::field("email", m))?;
    let identity_id = Uuid::new_v4();
    let token = email::new_token();
    let mut tx = ctx.pool.begin().await?;
    reserve_slot(&mut tx, account, region).await?;
    db::insert_email_identity(&mut *tx, account, identity_id, region, &address, &token)
        .await
        .on_constraint("identity_name_key", || {
            AppError::field("email", "You already have this identity in this region.")
        })?;
    email::send_verification(&mut *tx, &ctx.public_origin, &address, region, &token).await?;
    tx.commit().await?;
    Ok(IdentitySummary {
        arn: identity_arn(region, account, &address),
        identity_id,
        kind: IdentityKind::EmailAddress,
        name: address,
        region: region.to_owned(),
        status: VerificationStatus::Pending,
    })
}

/// Sends a new verification link to an address identity (the old one stops working).
/// None: the account has no such address identity.
pub async fn resend_verification(
    ctx: &AppContext,
    account: &AccountId,
    identity_id: Uuid,
) -> Result<Option<()>, AppError> {
    let token = email::new_token();
    let mut tx = ctx.pool.begin().await?;
    let Some((address, region)) =
        db::renew_email_verification(&mut *tx, account, identity_id, &token).await?
    else {
        return Ok(None);
    };
    email::send_verification(&mut *tx, &ctx.public_origin, &address, &region, &token).await?;
    tx.commit().await?;
    Ok(Some(()))
}

/// Checks the region and the per-region limit, holding the account's region row locked
/// until the caller's transaction ends.
async fn reserve_slot(
    tx: &mut sqlx::PgTransaction<'_>,
    account: &AccountId,
    region: &str,
) -> Result<(), AppError> {
    let count = db::lock_region_and_count(tx, account, region)
        .await?
        .ok_or_else(|| {
            AppError::field(
                "region",
                format!("Sesame does not serve region `{region}` for your account."),
            )
        })?;
    if count >= MAX_IDENTITIES {
        return Err(AppError::Conflict {
            message: format!("An account can have at most {MAX_IDENTITIES} identities per region."),
        });
    }
    Ok(())
}
