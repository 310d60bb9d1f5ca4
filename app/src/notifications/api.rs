//! Server functions for configuration sets, their webhook destinations and deliveries.

use leptos::prelude::*;

use super::{
    ConfigurationSet, Destination, DestinationDetail, DestinationForm, NewDestination, TestResult,
};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{db, deliveries, guard, payload, sets, valid_name, webhook, EVENT_TYPES},
    crate::{
        audit::{self, AuditKind, Change},
        auth::{
            session::{require_account, AccountCtx},
            Permission,
        },
        server::{app_context, errors::internal, AppContext},
    },
    uuid::Uuid,
};

/// Deliveries shown on a destination's page.
#[cfg(feature = "ssr")]
const SHOWN_DELIVERIES: i64 = 50;

#[server(prefix = "/api", endpoint = "configuration-sets/list")]
pub async fn list_configuration_sets() -> Result<Vec<ConfigurationSet>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    Ok(db::list_sets(&app_context()?.pool, caller.account_id()).await?)
}

#[server(prefix = "/api", endpoint = "configuration-sets/create")]
pub async fn create_configuration_set(region: String, name: String) -> Result<(), AppError> {
    let caller = require_account(Permission::Send).await?;
    let ctx = app_context()?;
    if !ctx.settings.regions.contains(&region) {
        return Err(AppError::field(
            "region",
            format!("Sesame does not serve region `{region}`."),
        ));
    }
    if !valid_name(&name) {
        return Err(AppError::field(
            "name",
            "Use 1 to 64 letters, digits, underscores and hyphens.",
        ));
    }
    let set = (region.as_str(), name.as_str());
    if !sets::create(&ctx.pool, caller.account_id(), set, &caller.actor()).await? {
        return Err(AppError::field(
            "name",
            format!("Configuration set <{name}> already exists."),
        ));
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "configuration-sets/delete")]
pub async fn delete_configuration_set(region: String, name: String) -> Result<(), AppError> {
    let caller = require_account(Permission::Send).await?;
    let set = (region.as_str(), name.as_str());
    let pool = &app_context()?.pool;
    let deleted = sets::delete(pool, caller.account_id(), set, &caller.actor()).await?;
    deleted
        .then_some(())
        .ok_or_else(|| AppError::not_found("Configuration set"))
}

/// Adds a webhook (`url`) or an email destination (`email`) to a set; for a webhook the
/// answer holds its signing key, once.
#[server(prefix = "/api", endpoint = "configuration-sets/add-destination")]
pub async fn add_destination(
    region: String,
    configuration_set: String,
    #[server(flatten)] destination: DestinationForm,
) -> Result<NewDestination, AppError> {
    let caller = require_account(Permission::Send).await?;
    let scope = db::Scope::ConfigurationSet {
        region: &region,
        name: &configuration_set,
    };
    let checked = destination.checked();
    add(&caller, scope, &destination, checked).await
}

/// Adds a destination to one of the owner's identities: bounces, complaints and
/// deliveries of every send from it (delegates' too).
#[server(prefix = "/api", endpoint = "identities/add-destination")]
pub async fn add_identity_destination(
    identity_id: uuid::Uuid,
    #[server(flatten)] destination: DestinationForm,
) -> Result<NewDestination, AppError> {
    let caller = require_account(Permission::ManageIdentities).await?;
    // Identity notifications carry Delivery, Bounce and Complaint only (SES's topics).
    let [_, _, delivery, bounce, complaint, _] = destination.checked();
    let checked = [false, false, delivery, bounce, complaint, false];
    let scope = db::Scope::Identity(identity_id);
    add(&caller, scope, &destination, checked).await
}

#[server(prefix = "/api", endpoint = "identities/destinations")]
pub async fn list_identity_destinations(
    identity_id: uuid::Uuid,
) -> Result<Vec<Destination>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    Ok(db::identity_destinations(&app_context()?.pool, caller.account_id(), identity_id).await?)
}

/// The shared part of adding a destination: names, types, the endpoint (a webhook URL
/// through the SSRF guard, or an email address), and a fresh signing key.
#[cfg(feature = "ssr")]
async fn add(
    caller: &AccountCtx,
    scope: db::Scope<'_>,
    destination: &DestinationForm,
    checked: [bool; 6],
) -> Result<NewDestination, AppError> {
    let ctx = app_context()?;
    let account = caller.account_id();
    let name = destination.name.as_str();
    if !valid_name(name) {
        return Err(AppError::field(
            "name",
            "Use 1 to 64 letters, digits, underscores and hyphens.",
        ));
    }
    let event_types: Vec<String> = EVENT_TYPES
        .iter()
        .zip(checked)
        .filter(|(_, on)| *on)
        .map(|(t, _)| (*t).to_owned())
        .collect();
    if event_types.is_empty() {
        return Err(AppError::field(
            "event_types",
            "Choose at least one event type.",
        ));
    }
    let (url, email) = (destination.url.trim(), destination.email.trim());
    let email = match (url.is_empty(), email.is_empty()) {
        (false, true) => None,
        (true, false) => Some(
            crate::email::EmailAddress::parse(email).map_err(|e| AppError::field("email", e))?,
        ),
        _ => {
            return Err(AppError::field(
                "url",
                "Give either a webhook URL or an email address.",
            ))
        }
    };
    // Mail only to the account's own verified addresses and domains: a destination must
    // not turn events (whose headers the sender wrote) into mail to strangers.
    if let Some(address) = &email {
        let names = crate::identities::coverage::covering_names(address.as_str());
        if !db::owns_verified(&ctx.pool, account, &names).await? {
            return Err(AppError::field(
                "email",
                "Use an address of one of your verified identities (a webhook can reach anyone else).",
            ));
        }
    }
    let endpoint = match &email {
        Some(address) => db::Endpoint::Email(address.as_str()),
        None => {
            guard::check(&ctx.settings.webhooks, &ctx.dns, url)
                .await
                .map_err(|reason| AppError::field("url", reason))?;
            db::Endpoint::Webhook(url)
        }
    };
    let destination_id = Uuid::new_v4();
    let signing_key = format!(
        "whsec_{}",
        crate::access_keys::credentials::generate_secret()
    );
    let secret = ctx
        .vault
        .seal(signing_key.as_bytes(), &destination_id.to_string());
    let row = db::NewDestinationRow {
        destination_id,
        scope,
        name,
        endpoint,
        event_types: &event_types,
        secret: &secret,
    };
    let mut tx = ctx.pool.begin().await?;
    let inserted = db::insert_destination(&mut *tx, account, &row).await;
    if let Ok(true) = inserted {
        let change = Change::new(AuditKind::DestinationAdded, name);
        audit::record(&mut *tx, account, &caller.actor(), change).await?;
        tx.commit().await?;
    }
    match inserted {
        Ok(true) => Ok(NewDestination {
            destination_id: destination_id.to_string(),
            // Only a webhook signs; an email destination has no key to show.
            signing_key: if email.is_some() {
                String::new()
            } else {
                signing_key
            },
        }),
        Ok(false) => Err(AppError::not_found("Configuration set or identity")),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AppError::field(
            "name",
            format!("There is already a destination named {name}."),
        )),
        Err(e) => Err(e.into()),
    }
}

#[cfg(feature = "ssr")]
fn destination_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::not_found("Event destination"))
}

/// A destination the caller may change, and its name: a configuration set's needs
/// `Send`, an identity's (the owner's notifications) `ManageIdentities`.
#[cfg(feature = "ssr")]
async fn changeable(destination_id: &str) -> Result<(AccountCtx, Uuid, String), AppError> {
    let caller = require_account(Permission::Send).await?;
    let id = self::destination_id(destination_id)?;
    let found = db::find_destination(&app_context()?.pool, caller.account_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("Event destination"))?;
    if found.configuration_set.is_none() && !caller.role().allows(Permission::ManageIdentities) {
        return Err(AppError::Forbidden);
    }
    Ok((caller, id, found.destination.name))
}

#[server(prefix = "/api", endpoint = "event-destinations/get")]
pub async fn get_destination(destination_id: String) -> Result<DestinationDetail, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let id = self::destination_id(&destination_id)?;
    let pool = &app_context()?.pool;
    let found = db::find_destination(pool, caller.account_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("Event destination"))?;
    Ok(DestinationDetail {
        scope: found.scope,
        destination: found.destination,
        deliveries: deliveries::deliveries(pool, caller.account_id(), id, SHOWN_DELIVERIES).await?,
    })
}

#[server(prefix = "/api", endpoint = "event-destinations/set-enabled")]
pub async fn set_destination_enabled(
    destination_id: String,
    enabled: bool,
) -> Result<(), AppError> {
    let (caller, id, name) = changeable(&destination_id).await?;
    let mut tx = app_context()?.pool.begin().await?;
    if !db::set_enabled(&mut *tx, caller.account_id(), id, enabled).await? {
        return Err(AppError::not_found("Event destination"));
    }
    let kind = match enabled {
        true => AuditKind::DestinationEnabled,
        false => AuditKind::DestinationDisabled,
    };
    audit::record(
        &mut *tx,
        caller.account_id(),
        &caller.actor(),
        Change::new(kind, &name),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "event-destinations/delete")]
pub async fn delete_destination(destination_id: String) -> Result<(), AppError> {
    let (caller, id, name) = changeable(&destination_id).await?;
    let mut tx = app_context()?.pool.begin().await?;
    if !db::delete_destination(&mut *tx, caller.account_id(), id).await? {
        return Err(AppError::not_found("Event destination"));
    }
    let change = Change::new(AuditKind::DestinationDeleted, &name);
    audit::record(&mut *tx, caller.account_id(), &caller.actor(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Queues one delivery again, now.
#[server(prefix = "/api", endpoint = "event-destinations/redeliver")]
pub async fn redeliver(notification_id: String) -> Result<(), AppError> {
    let caller = require_account(Permission::Send).await?;
    let id = Uuid::parse_str(&notification_id).map_err(|_| AppError::not_found("Delivery"))?;
    let found = deliveries::redeliver(&app_context()?.pool, caller.account_id(), id).await?;
    found
        .then_some(())
        .ok_or_else(|| AppError::not_found("Delivery"))
}

/// Calls the destination now with a sample Delivery event (not stored), and shows the
/// answer.
#[server(prefix = "/api", endpoint = "event-destinations/test")]
pub async fn send_test_event(destination_id: String) -> Result<TestResult, AppError> {
    let caller = require_account(Permission::Send).await?;
    let id = self::destination_id(&destination_id)?;
    let ctx = app_context()?;
    let found = db::find_destination(&ctx.pool, caller.account_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("Event destination"))?;
    let result = test_call(&ctx, caller.account_id().as_str(), &found).await?;
    Ok(TestResult {
        http_status: result.status,
        latency_ms: result.latency_ms,
        response: result.response,
    })
}

#[cfg(feature = "ssr")]
async fn test_call(
    ctx: &AppContext,
    account: &str,
    found: &db::DestinationRow,
) -> Result<webhook::CallResult, AppError> {
    let key = ctx
        .vault
        .open(&found.secret, &found.destination.destination_id)
        .map_err(internal)?;
    let now = time::OffsetDateTime::now_utc();
    let event_id = Uuid::new_v4().to_string();
    let facts = payload::EventFacts {
        event_id: event_id.clone(),
        event_type: "Delivery".into(),
        at: now,
        detail: "250 2.0.0 Ok: this is a test event from Sesame".into(),
        recipient: Some("success@simulator.amazonses.com".into()),
        bounce_type: None,
        bounce_sub_type: None,
        status: None,
        feedback_type: None,
        reporting_mta: Some("sesame".into()),
        message_id: "test-event-000000".into(),
        sent_at: now,
        source: "test@sesame.invalid".into(),
        source_arn: String::new(),
        sending_account: account.to_owned(),
        destination: vec!["success@simulator.amazonses.com".into()],
        configuration_set: found.configuration_set.clone(),
        message_tags: serde_json::json!({}),
        head: b"Subject: Sesame test event\r\n\r\n".to_vec(),
    };
    let body = payload::event_json(&facts).to_string();
    if found.destination.email {
        return Err(AppError::Conflict {
            message: "Test events are for webhooks; an email destination gets the next real event."
                .into(),
        });
    }
    Ok(
        match guard::check(&ctx.settings.webhooks, &ctx.dns, &found.destination.target).await {
            Ok(target) => {
                webhook::call(
                    &ctx.settings.webhooks,
                    &target,
                    &key,
                    &event_id,
                    "Delivery",
                    body.as_bytes(),
                )
                .await
            }
            Err(reason) => webhook::CallResult::refused(reason),
        },
    )
}
