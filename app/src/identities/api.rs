//! Server functions for identities. Reading needs any role; changing needs
//! `ManageIdentities` (admins).

use leptos::prelude::*;
use uuid::Uuid;

use super::{DkimAlgorithm, EmailConfirmation, IdentityDetail, IdentitySummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        check, db, dev_zone, dkim,
        domain::{address_identity_name, DomainName},
        email, identity_arn, IdentityKind, MAX_IDENTITIES,
    },
    crate::{
        auth::{
            session::{require_account, AccountCtx},
            Permission,
        },
        server::{app_context, errors::internal, errors::ConstraintExt},
    },
    rand::{distributions::Alphanumeric, Rng},
};

/// The caller's identities, optionally filtered (empty strings mean "any").
#[server(prefix = "/api", endpoint = "identities/list")]
pub async fn list_identities(
    region: String,
    status: String,
    kind: String,
) -> Result<Vec<IdentitySummary>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let filter = db::IdentityFilter {
        region: non_empty(&region),
        status: non_empty(&status),
        kind: non_empty(&kind),
    };
    db::list_identities(&app_context()?.pool, caller.account_id(), &filter).await
}

/// Adds a domain identity: a verification token and a fresh DKIM key, status Pending.
#[server(prefix = "/api", endpoint = "identities/create-domain")]
pub async fn create_domain_identity(
    region: String,
    domain: String,
    dkim_algorithm: DkimAlgorithm,
) -> Result<IdentitySummary, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    let domain = DomainName::parse(&domain).map_err(|m| AppError::field("domain", m))?;
    if !ctx.regions.contains(&region) {
        return Err(AppError::field(
            "region",
            format!("Sesame does not serve region `{region}`."),
        ));
    }
    let key = tokio::task::spawn_blocking(move || dkim::generate(dkim_algorithm))
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
    reserve_slot(&mut tx, &caller, &region).await?;
    let new = db::NewDomainIdentity {
        identity_id,
        region: &region,
        name: domain.as_str(),
        token: &token,
        dkim_selector: &key.selector,
        dkim_algorithm: key.algorithm.as_str(),
        dkim_public_key: &key.public_key,
        dkim_private_key: &sealed,
    };
    db::insert_domain_identity(&mut *tx, caller.account_id(), &new)
        .await
        .on_constraint("identity_name_key", || {
            AppError::field("domain", "You already have this identity in this region.")
        })?;
    tx.commit().await?;
    Ok(IdentitySummary {
        arn: identity_arn(&region, caller.account_id(), domain.as_str()),
        identity_id,
        kind: IdentityKind::Domain,
        name: domain.to_string(),
        region,
        status: super::VerificationStatus::Pending,
    })
}

/// Adds an email-address identity and mails it a verification link (valid 24 hours).
#[server(prefix = "/api", endpoint = "identities/create-email")]
pub async fn create_email_identity(
    region: String,
    email: String,
) -> Result<IdentitySummary, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    let address = normalise_address(&email)?;
    let identity_id = Uuid::new_v4();
    let token = email::new_token();
    let mut tx = ctx.pool.begin().await?;
    reserve_slot(&mut tx, &caller, &region).await?;
    db::insert_email_identity(
        &mut *tx,
        caller.account_id(),
        identity_id,
        &region,
        &address,
        &token,
    )
    .await
    .on_constraint("identity_name_key", || {
        AppError::field("email", "You already have this identity in this region.")
    })?;
    email::send_verification(&mut *tx, &ctx.public_origin, &address, &region, &token).await?;
    tx.commit().await?;
    Ok(IdentitySummary {
        arn: identity_arn(&region, caller.account_id(), &address),
        identity_id,
        kind: IdentityKind::EmailAddress,
        name: address,
        region,
        status: super::VerificationStatus::Pending,
    })
}

/// Sends a new verification link (the old one stops working).
#[server(prefix = "/api", endpoint = "identities/resend-verification-email")]
pub async fn resend_verification_email(identity_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    let token = email::new_token();
    let mut tx = ctx.pool.begin().await?;
    let (address, region) =
        db::renew_email_verification(&mut *tx, caller.account_id(), identity_id, &token)
            .await?
            .ok_or_else(|| AppError::not_found("Email identity"))?;
    email::send_verification(&mut *tx, &ctx.public_origin, &address, &region, &token).await?;
    tx.commit().await?;
    Ok(())
}

/// Opening a verification link: verifies the address if the link is still valid. Needs no
/// session: the token in the link is the proof of receiving the mail.
#[server(prefix = "/api", endpoint = "identities/confirm-email")]
pub async fn confirm_email_identity(token: String) -> Result<EmailConfirmation, AppError> {
    let ctx = app_context()?;
    let (address, status) =
        db::confirm_email_token(&ctx.pool, token.trim(), email::LINK_VALIDITY.as_secs_f64())
            .await?
            .ok_or_else(|| AppError::not_found("Verification link"))?;
    Ok(EmailConfirmation {
        address,
        status: status.parse().map_err(internal)?,
    })
}

/// One identity with the records to publish and what DNS last answered.
#[server(prefix = "/api", endpoint = "identities/get")]
pub async fn get_identity(identity_id: Uuid) -> Result<IdentityDetail, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    detail(&caller, identity_id).await
}

/// Checks a domain's records right now instead of waiting for the worker.
#[server(prefix = "/api", endpoint = "identities/check-now")]
pub async fn check_identity_now(identity_id: Uuid) -> Result<IdentityDetail, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    let target = db::find_check_target(&ctx.pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    check::check_domain(&ctx.pool, &ctx.dns, &ctx.verification, target).await?;
    detail(&caller, identity_id).await
}

/// Starts verification again after it failed.
#[server(prefix = "/api", endpoint = "identities/restart-verification")]
pub async fn restart_verification(identity_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let found =
        db::restart_verification(&app_context()?.pool, caller.account_id(), identity_id).await?;
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("Identity"))
}

#[server(prefix = "/api", endpoint = "identities/delete")]
pub async fn delete_identity(identity_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let found = db::delete_identity(&app_context()?.pool, caller.account_id(), identity_id).await?;
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("Identity"))
}

/// Turns forwarding of bounce and complaint notifications by email on or off.
#[server(prefix = "/api", endpoint = "identities/set-feedback-forwarding")]
pub async fn set_feedback_forwarding(identity_id: Uuid, enabled: bool) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let found = db::set_feedback_forwarding(
        &app_context()?.pool,
        caller.account_id(),
        identity_id,
        enabled,
    )
    .await?;
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("Identity"))
}

/// Publishes (or with `publish = false`, removes) the identity's records in Sesame's
/// development DNS zone; verification then asks that zone, over DNS, for this identity.
#[server(prefix = "/api", endpoint = "identities/dev-zone")]
pub async fn set_dev_zone_publication(identity_id: Uuid, publish: bool) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    if !ctx.dns.dev_zone_available() {
        return Err(AppError::Conflict {
            message: "The development DNS zone is not enabled on this server.".to_owned(),
        });
    }
    dev_zone::set_publication(&ctx.pool, caller.account_id(), identity_id, publish).await
}

/// Checks the region and the per-region limit, holding the account's region row locked
/// until the caller's transaction ends, so concurrent creations cannot pass the limit.
#[cfg(feature = "ssr")]
async fn reserve_slot(
    tx: &mut sqlx::PgTransaction<'_>,
    caller: &AccountCtx,
    region: &str,
) -> Result<(), AppError> {
    let count = db::lock_region_and_count(tx, caller.account_id(), region)
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

#[cfg(feature = "ssr")]
fn normalise_address(email: &str) -> Result<String, AppError> {
    address_identity_name(email).map_err(|m| AppError::field("email", m))
}

#[cfg(feature = "ssr")]
fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[cfg(feature = "ssr")]
async fn detail(caller: &AccountCtx, identity_id: Uuid) -> Result<IdentityDetail, AppError> {
    use time::macros::format_description;
    let ctx = app_context()?;
    let row = db::find_identity(&ctx.pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let kind: IdentityKind = row.kind.parse().map_err(internal)?;
    let status: super::VerificationStatus = row.verification_status.parse().map_err(internal)?;
    let records = dev_zone::records_of(&row)?;
    let algorithm = row.dkim_algorithm().map_err(internal)?;
    let when = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    let window = match kind {
        IdentityKind::Domain => ctx.verification.window,
        IdentityKind::EmailAddress => email::LINK_VALIDITY,
    };
    let deadline = (status == super::VerificationStatus::Pending)
        .then(|| row.verification_started_at + window)
        .and_then(|t| t.format(when).ok());
    Ok(IdentityDetail {
        summary: IdentitySummary {
            arn: identity_arn(&row.region, caller.account_id(), &row.name),
            identity_id: row.identity_id,
            kind,
            name: row.name,
            region: row.region,
            status,
        },
        records,
        dkim_selector: row.dkim_selector,
        dkim_algorithm: algorithm.map(|a| a.as_str().to_owned()),
        last_answers: row
            .last_answers
            .iter()
            .map(|a| a.replace('\t', " → "))
            .collect(),
        last_checked: row.last_checked_at.and_then(|t| t.format(when).ok()),
        verification_deadline: deadline,
        dev_zone: row.dev_zone,
        dev_zone_available: ctx.dns.dev_zone_available(),
        feedback_forwarding: row.feedback_forwarding,
    })
}
