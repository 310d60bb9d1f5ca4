//! v2 identities and their policies: `CreateEmailIdentity`, `ListEmailIdentities`,
//! `GetEmailIdentity`, `DeleteEmailIdentity`, `PutEmailIdentityFeedbackAttributes` and
//! `Create/Update/Delete/GetEmailIdentityPolicy/Policies`, over the same services as the
//! pages and the v1 API.

use app::{
    auth::Permission,
    error::AppError,
    identities::{coverage::is_verified, db, dev_zone, service, DkimAlgorithm, IdentityKind},
    policies::{
        db as policies, minified,
        service::{delete_policy, put_policy, PutMode},
    },
};
use axum::http::{Method, StatusCode};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::{error, Call};
use crate::ses::{
    error::SesError,
    identity_ref::{find, identity_name, row},
};

/// v2 spells statuses in capitals with underscores (`TEMPORARY_FAILURE`).
fn v2_status(status: &str) -> String {
    let mut out = String::new();
    for (i, c) in status.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn identity_type(row: &db::IdentityRow) -> &'static str {
    if row.kind == IdentityKind::Domain.as_str() {
        "DOMAIN"
    } else {
        "EMAIL_ADDRESS"
    }
}

fn dkim(row: &db::IdentityRow) -> Result<Value, SesError> {
    let found = dev_zone::records_of(row)?
        .iter()
        .any(|r| r.purpose == "DKIM" && r.found);
    let domain = row.kind == IdentityKind::Domain.as_str();
    let status = match (domain, found) {
        (false, _) => "NOT_STARTED".to_owned(),
        (true, true) => "SUCCESS".to_owned(),
        (true, false) => v2_status(&row.verification_status),
    };
    Ok(json!({
        "SigningEnabled": domain,
        "Status": status,
        "Tokens": row.dkim_selector.iter().collect::<Vec<_>>(),
        "SigningAttributesOrigin": "AWS_SES",
    }))
}

fn not_found(name: &str) -> SesError {
    error(
        "NotFoundException",
        StatusCode::NOT_FOUND,
        format!("Email identity {name} does not exist."),
    )
}

/// The caller's identity named by a path segment.
async fn existing(call: &Call<'_>, identity: &str) -> Result<(String, Uuid), SesError> {
    let name = identity_name(&call.caller, identity)?;
    let id = find(call.api, &call.caller, &name)
        .await?
        .ok_or_else(|| not_found(&name))?;
    Ok((name, id))
}

pub async fn create(call: &Call<'_>) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ManageIdentities, "CreateEmailIdentity")?;
    let value = call
        .body
        .get("EmailIdentity")
        .and_then(Value::as_str)
        .ok_or_else(|| SesError::missing("EmailIdentity"))?;
    let name = identity_name(&call.caller, value)?;
    if find(call.api, &call.caller, &name).await?.is_some() {
        return Err(error(
            "AlreadyExistsException",
            StatusCode::BAD_REQUEST,
            format!("Email identity {name} already exist."),
        ));
    }
    let (ctx, caller) = (&call.api.context, &call.caller);
    let actor = caller.actor(&call.parts, "CreateEmailIdentity");
    let created = if name.contains('@') {
        service::create_email(ctx, caller.account(), caller.region(), &name, &actor).await?
    } else {
        service::create_domain(
            ctx,
            caller.account(),
            caller.region(),
            &name,
            DkimAlgorithm::Rsa2048,
            &actor,
        )
        .await?
    };
    let row = row(call.api, caller, created.identity_id).await?;
    Ok(json!({
        "IdentityType": identity_type(&row),
        "VerifiedForSendingStatus": false,
        "DkimAttributes": dkim(&row)?,
    }))
}

pub async fn list(call: &Call<'_>) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListEmailIdentities")?;
    let filter = db::IdentityFilter {
        region: Some(call.caller.region()),
        ..Default::default()
    };
    let all = db::list_identities(&call.api.context.pool, call.caller.account(), &filter).await?;
    let identities: Vec<Value> = all
        .iter()
        .map(|i| {
            json!({
                "IdentityType": if i.kind == IdentityKind::Domain { "DOMAIN" } else { "EMAIL_ADDRESS" },
                "IdentityName": i.name,
                "SendingEnabled": is_verified(i.status.as_str()),
                "VerificationStatus": v2_status(i.status.as_str()),
            })
        })
        .collect();
    Ok(json!({ "EmailIdentities": identities }))
}

pub async fn get(call: &Call<'_>, identity: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetEmailIdentity")?;
    let (_, id) = existing(call, identity).await?;
    let row = row(call.api, &call.caller, id).await?;
    Ok(json!({
        "IdentityType": identity_type(&row),
        "FeedbackForwardingStatus": row.feedback_forwarding,
        "VerifiedForSendingStatus": is_verified(&row.verification_status),
        "VerificationStatus": v2_status(&row.verification_status),
        "DkimAttributes": dkim(&row)?,
        "Policies": stored_policies(call, id).await?,
        "Tags": [],
    }))
}

pub async fn delete(call: &Call<'_>, identity: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ManageIdentities, "DeleteEmailIdentity")?;
    let (_, id) = existing(call, identity).await?;
    let actor = call.caller.actor(&call.parts, "DeleteEmailIdentity");
    service::delete_identity(&call.api.context.pool, call.caller.account(), id, &actor).await?;
    Ok(json!({}))
}

pub async fn put_feedback(call: &Call<'_>, identity: &str) -> Result<Value, SesError> {
    call.caller.require(
        Permission::ManageIdentities,
        "PutEmailIdentityFeedbackAttributes",
    )?;
    let (_, id) = existing(call, identity).await?;
    let enabled = call
        .body
        .get("EmailForwardingEnabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let pool = &call.api.context.pool;
    let actor = call
        .caller
        .actor(&call.parts, "PutEmailIdentityFeedbackAttributes");
    let change =
        service::set_feedback_forwarding(pool, call.caller.account(), id, enabled, &actor).await?;
    SesError::unless_forwarding_changed(change)?;
    Ok(json!({}))
}

async fn stored_policies(call: &Call<'_>, id: Uuid) -> Result<Map<String, Value>, SesError> {
    let stored = policies::list_policies(&call.api.context.pool, call.caller.account(), id).await?;
    Ok(stored
        .into_iter()
        .map(|p| (p.name, Value::String(minified(&p.document))))
        .collect())
}

pub async fn policies(call: &Call<'_>, identity: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetEmailIdentityPolicies")?;
    let (_, id) = existing(call, identity).await?;
    Ok(json!({ "Policies": stored_policies(call, id).await? }))
}

/// `CreateEmailIdentityPolicy` (POST), `UpdateEmailIdentityPolicy` (PUT) and
/// `DeleteEmailIdentityPolicy` (DELETE).
pub async fn change_policy(call: &Call<'_>, identity: &str, name: &str) -> Result<Value, SesError> {
    let action = match call.parts.method {
        Method::POST => "CreateEmailIdentityPolicy",
        Method::PUT => "UpdateEmailIdentityPolicy",
        _ => "DeleteEmailIdentityPolicy",
    };
    call.caller.require(Permission::ManageIdentities, action)?;
    let (_, id) = existing(call, identity).await?;
    let pool = &call.api.context.pool;
    let missing = || {
        error(
            "NotFoundException",
            StatusCode::NOT_FOUND,
            format!("Policy {name} does not exist"),
        )
    };
    let actor = call.caller.actor(&call.parts, action);
    let mode = match call.parts.method {
        Method::POST => PutMode::Create,
        Method::PUT => PutMode::Replace,
        _ => {
            let deleted = delete_policy(pool, call.caller.account(), id, name, &actor).await?;
            return deleted.then(|| json!({})).ok_or_else(missing);
        }
    };
    let document = call
        .body
        .get("Policy")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match put_policy(
        pool,
        call.caller.account(),
        id,
        name,
        document,
        mode,
        &actor,
    )
    .await
    {
        Ok(()) => Ok(json!({})),
        Err(AppError::NotFound { .. }) => Err(missing()),
        Err(AppError::FieldInvalid { field, message })
            if message.ends_with("already exists.") && field == "name" =>
        {
            Err(error(
                "AlreadyExistsException",
                StatusCode::BAD_REQUEST,
                format!("Policy {name} already exists"),
            ))
        }
        Err(AppError::Conflict { message }) => Err(error(
            "LimitExceededException",
            StatusCode::BAD_REQUEST,
            message,
        )),
        Err(other) => Err(other.into()),
    }
}
