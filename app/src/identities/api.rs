//! Server functions for identities. Reading needs any role; changing needs
//! `ManageIdentities` (admins).

use leptos::prelude::*;
use uuid::Uuid;

use super::{DkimAlgorithm, EmailConfirmation, IdentityDetail, IdentitySummary};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{check, db, dev_zone, email, identity_arn, service, IdentityKind, VerificationStatus},
    crate::{
        audit::{self, AuditKind, Change},
        auth::{
            session::{self, require_account, AccountCtx},
            Permission,
        },
        server::{app_context, errors::internal},
    },
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
    service::create_domain(
        &app_context()?,
        caller.account_id(),
        &region,
        &domain,
        dkim_algorithm,
        &caller.actor(),
    )
    .await
}

/// Adds an email-address identity and mails it a verification link (valid 24 hours).
#[server(prefix = "/api", endpoint = "identities/create-email")]
pub async fn create_email_identity(
    region: String,
    email: String,
) -> Result<IdentitySummary, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let actor = caller.actor();
    service::create_email(
        &app_context()?,
        caller.account_id(),
        &region,
        &email,
        &actor,
    )
    .await
}

/// Sends a new verification link (the old one stops working).
#[server(prefix = "/api", endpoint = "identities/resend-verification-email")]
pub async fn resend_verification_email(identity_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    service::resend_verification(&app_context()?, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Email identity"))
}

/// What a verification link is for, without confirming anything: opening the link shows
/// the address and a Confirm button. (Mail scanners and link previews fetch links on their
/// own; a fetch must not verify an address that nobody meant to confirm.) Pending: the link
/// may be confirmed; Failed: it has expired.
#[server(prefix = "/api", endpoint = "identities/inspect-email-link")]
pub async fn inspect_email_link(token: String) -> Result<EmailConfirmation, AppError> {
    let ctx = app_context()?;
    let (address, status, valid) =
        db::find_email_token(&ctx.pool, token.trim(), email::LINK_VALIDITY.as_secs_f64())
            .await?
            .ok_or_else(|| AppError::not_found("Verification link"))?;
    let status: super::VerificationStatus = status.parse().map_err(internal)?;
    Ok(EmailConfirmation {
        address,
        status: match status {
            super::VerificationStatus::Success => status,
            _ if valid => super::VerificationStatus::Pending,
            _ => super::VerificationStatus::Failed,
        },
    })
}

/// Confirming a verification link (the page's button, a POST): verifies the address if
/// the link is still valid. Needs no session: the token in the link is the proof of
/// receiving the mail.
#[server(prefix = "/api", endpoint = "identities/confirm-email")]
pub async fn confirm_email_identity(token: String) -> Result<EmailConfirmation, AppError> {
    let ctx = app_context()?;
    let mut tx = ctx.pool.begin().await?;
    let confirmed =
        db::confirm_email_token(&mut *tx, token.trim(), email::LINK_VALIDITY.as_secs_f64())
            .await?
            .ok_or_else(|| AppError::not_found("Verification link"))?;
    let status: VerificationStatus = confirmed.verification_status.parse().map_err(internal)?;
    if status == VerificationStatus::Success && confirmed.was != confirmed.verification_status {
        // Whoever followed the link had the address's mail: the entry names the address.
        let actor = session::request_actor(confirmed.name.clone(), session::Acting::Claiming);
        let actor = actor.await?;
        let change =
            Change::new(AuditKind::IdentityVerified, "").on(confirmed.identity_id, &confirmed.name);
        audit::record(&mut *tx, &confirmed.account_id, &actor, change).await?;
    }
    tx.commit().await?;
    Ok(EmailConfirmation {
        address: confirmed.name,
        status,
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
    check::check_domain(&ctx.pool, &ctx.dns, &ctx.settings.verification, target).await?;
    detail(&caller, identity_id).await
}

/// Starts verification again after it failed.
#[server(prefix = "/api", endpoint = "identities/restart-verification")]
pub async fn restart_verification(identity_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let pool = &app_context()?.pool;
    let actor = caller.actor();
    let found = service::restart_verification(pool, caller.account_id(), identity_id, &actor);
    found
        .await?
        .then_some(())
        .ok_or_else(|| AppError::not_found("Identity"))
}

#[server(prefix = "/api", endpoint = "identities/delete")]
pub async fn delete_identity(identity_id: Uuid) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let pool = &app_context()?.pool;
    let actor = caller.actor();
    let found = service::delete_identity(pool, caller.account_id(), identity_id, &actor);
    found
        .await?
        .then_some(())
        .ok_or_else(|| AppError::not_found("Identity"))
}

/// Why forwarding cannot be turned off yet.
pub const FORWARDING_NEEDS_DESTINATIONS: &str = "Feedback forwarding can be turned off only when the identity has notification destinations for both bounces and complaints.";

/// Turns forwarding of bounce and complaint notifications by email on or off (off only
/// when the identity's own destinations take both bounces and complaints, as in SES).
#[server(prefix = "/api", endpoint = "identities/set-feedback-forwarding")]
pub async fn set_feedback_forwarding(identity_id: Uuid, enabled: bool) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let pool = &app_context()?.pool;
    let actor = caller.actor();
    let change =
        service::set_feedback_forwarding(pool, caller.account_id(), identity_id, enabled, &actor);
    match change.await? {
        service::ForwardingChange::Done => Ok(()),
        service::ForwardingChange::NotFound => Err(AppError::not_found("Identity")),
        service::ForwardingChange::NeedsDestinations => Err(AppError::Conflict {
            message: FORWARDING_NEEDS_DESTINATIONS.to_owned(),
        }),
    }
}

/// Publishes (or with `publish = false`, removes) the identity's records in Sesame's
/// development DNS zone; verification then asks that zone, over DNS, for this identity.
#[server(prefix = "/api", endpoint = "identities/dev-zone")]
pub async fn set_dev_zone_publication(identity_id: Uuid, publish: bool) -> Result<(), AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    let ctx = app_context()?;
    let scope = ctx.dns.dev_zone().ok_or_else(|| AppError::Conflict {
        message: "The development DNS zone is not enabled on this server.".to_owned(),
    })?;
    let (account, actor) = (caller.account_id(), caller.actor());
    dev_zone::set_publication(&ctx.pool, scope, account, identity_id, publish, &actor).await
}

#[cfg(feature = "ssr")]
fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[cfg(feature = "ssr")]
async fn detail(caller: &AccountCtx, identity_id: Uuid) -> Result<IdentityDetail, AppError> {
    let ctx = app_context()?;
    let row = db::find_identity(&ctx.pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let kind: IdentityKind = row.kind.parse().map_err(internal)?;
    let status: super::VerificationStatus = row.verification_status.parse().map_err(internal)?;
    let records = dev_zone::records_of(&row)?;
    let algorithm = row.dkim_algorithm().map_err(internal)?;
    let window = match kind {
        IdentityKind::Domain => ctx.settings.verification.window,
        IdentityKind::EmailAddress => email::LINK_VALIDITY,
    };
    let deadline = (status == super::VerificationStatus::Pending)
        .then(|| row.verification_started_at + window)
        .map(crate::server::shown);
    // Offered only where the zone runs and may vouch for this name.
    let dev_zone_available = ctx.dns.dev_zone().is_some_and(|z| z.covers(&row.name));
    let verification_mail =
        crate::system_mail::db::latest_for_identity(&ctx.pool, caller.account_id(), identity_id)
            .await?
            .map(|m| super::VerificationMail {
                to: m.recipient,
                status: m.status,
                attempts: m.attempts,
                last_reply: m.last_reply,
                remote_host: m.remote_host,
                queued: crate::server::shown(m.created_at),
            });
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
        last_checked: row.last_checked_at.map(crate::server::shown),
        verification_deadline: deadline,
        dev_zone: row.dev_zone,
        dev_zone_available,
        feedback_forwarding: row.feedback_forwarding,
        verification_mail,
    })
}
