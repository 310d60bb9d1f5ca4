//! Server functions reading the log: an account's administrators read their own account's
//! (the Activity page, an identity's History), operators any account's and the platform's.
//! Nothing here writes: entries are written by the changes themselves (`record`).

use leptos::prelude::*;
use uuid::Uuid;

use super::{ActivityEntry, ActivityPageData};
use crate::{error::AppError, ids::AccountId};

#[cfg(feature = "ssr")]
use {
    super::{csv::activity_csv, db, ActivityFilter, AuditKind, Log, CSV_LIMIT, PAGE_SIZE},
    crate::{
        auth::{
            session::{require_account, require_operator},
            Permission,
        },
        identities::db as identities,
        server::app_context,
    },
    base64::{engine::general_purpose::STANDARD, Engine},
};

/// A page of the caller's account's log, newest first (`ActivityFilter` says what the
/// arguments narrow it to).
#[server(prefix = "/api", endpoint = "activity/list")]
pub async fn list_activity(
    kind: String,
    actor: String,
    identity: String,
    before: Option<i64>,
) -> Result<ActivityPageData, AppError> {
    let caller = require_account(Permission::ViewAuditLog).await?;
    let filter = ActivityFilter {
        kind,
        actor,
        identity,
        before,
        ..ActivityFilter::default()
    };
    page_of(&Log::Account(caller.account_id().clone()), &filter).await
}

/// Every entry of the caller's account's log that matches (at most `CSV_LIMIT`, the
/// newest), as a `data:` URL of CSV for a download link.
#[server(prefix = "/api", endpoint = "activity/csv")]
pub async fn activity_csv_link(
    kind: String,
    actor: String,
    identity: String,
) -> Result<String, AppError> {
    let caller = require_account(Permission::ViewAuditLog).await?;
    let filter = ActivityFilter {
        kind,
        actor,
        identity,
        ..ActivityFilter::default()
    };
    let log = Log::Account(caller.account_id().clone());
    let entries = entries(&log, &filter, CSV_LIMIT, false).await?;
    Ok(format!(
        "data:text/csv;base64,{}",
        STANDARD.encode(activity_csv(&entries))
    ))
}

/// The latest entries about one of the caller's identities (its History).
#[server(prefix = "/api", endpoint = "activity/identity")]
pub async fn identity_history(identity_id: Uuid) -> Result<Vec<ActivityEntry>, AppError> {
    let caller = require_account(Permission::ViewAuditLog).await?;
    let pool = app_context()?.pool;
    let identity = identities::find_identity(&pool, caller.account_id(), identity_id)
        .await?
        .ok_or_else(|| AppError::not_found("Identity"))?;
    let filter = ActivityFilter {
        identity: identity.name,
        identity_id: Some(identity_id),
        ..ActivityFilter::default()
    };
    entries(
        &Log::Account(caller.account_id().clone()),
        &filter,
        PAGE_SIZE,
        true,
    )
    .await
}

/// A page of any account's log, for an operator.
#[server(prefix = "/api", endpoint = "operator/activity")]
pub async fn account_activity(
    account_id: AccountId,
    kind: String,
    actor: String,
    identity: String,
    before: Option<i64>,
) -> Result<ActivityPageData, AppError> {
    require_operator().await?;
    let filter = ActivityFilter {
        kind,
        actor,
        identity,
        before,
        ..ActivityFilter::default()
    };
    page_of(&Log::Account(account_id), &filter).await
}

/// A page of the platform's own log (operators' sign-ins and sign-in security), for an
/// operator.
#[server(prefix = "/api", endpoint = "operator/platform-activity")]
pub async fn platform_activity(
    kind: String,
    actor: String,
    before: Option<i64>,
) -> Result<ActivityPageData, AppError> {
    require_operator().await?;
    let filter = ActivityFilter {
        kind,
        actor,
        before,
        ..ActivityFilter::default()
    };
    page_of(&Log::Platform, &filter).await
}

#[cfg(feature = "ssr")]
async fn page_of(log: &Log, filter: &ActivityFilter) -> Result<ActivityPageData, AppError> {
    // One more than a page tells whether there is an older one.
    let mut rows = rows(log, filter, PAGE_SIZE + 1, true).await?;
    let older = match rows.len() as i64 > PAGE_SIZE {
        true => {
            rows.truncate(PAGE_SIZE as usize);
            rows.last().map(|r| r.id)
        }
        false => None,
    };
    let entries = rows.into_iter().filter_map(db::EntryRow::shown).collect();
    Ok(ActivityPageData { entries, older })
}

#[cfg(feature = "ssr")]
async fn entries(
    log: &Log,
    filter: &ActivityFilter,
    limit: i64,
    documents: bool,
) -> Result<Vec<ActivityEntry>, AppError> {
    let rows = rows(log, filter, limit, documents).await?;
    Ok(rows.into_iter().filter_map(db::EntryRow::shown).collect())
}

/// The stored entries `filter` matches, newest first; a kind that is not one refused.
#[cfg(feature = "ssr")]
async fn rows(
    log: &Log,
    filter: &ActivityFilter,
    limit: i64,
    documents: bool,
) -> Result<Vec<db::EntryRow>, AppError> {
    let kind = filter.kind.trim();
    let known = AuditKind::ALL
        .iter()
        .any(|k| k.name() == kind || k.family() == kind);
    if !kind.is_empty() && !known {
        return Err(AppError::field(
            "kind",
            format!("There is no kind of entry `{kind}`."),
        ));
    }
    let query = db::Query {
        kind,
        actor: filter.actor.trim(),
        identity: filter.identity.trim(),
        identity_id: filter.identity_id,
        before: filter.before,
        limit,
        documents,
    };
    Ok(db::list(&app_context()?.pool, log, &query).await?)
}
