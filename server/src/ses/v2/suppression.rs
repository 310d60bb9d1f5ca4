//! The account-level suppression list (`PutSuppressedDestination`,
//! `GetSuppressedDestination`, `DeleteSuppressedDestination`,
//! `ListSuppressedDestinations`), over the same list as the Suppression list page.

use app::{auth::Permission, email::EmailAddress, feedback::suppression};
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{error, Call};
use crate::ses::error::SesError;

/// SES's default page, and its largest.
const DEFAULT_PAGE: i64 = 100;
const MAX_PAGE: i64 = 1000;

fn reason(value: Option<&str>) -> Result<&'static str, SesError> {
    value
        .and_then(suppression::parse_reason)
        .ok_or_else(|| SesError::invalid_parameter("Reason must be BOUNCE or COMPLAINT."))
}

fn not_found(address: &str) -> SesError {
    error(
        "NotFoundException",
        StatusCode::NOT_FOUND,
        format!("Email address {address} does not exist on your suppression list."),
    )
}

fn epoch(moment: time::OffsetDateTime) -> f64 {
    moment.unix_timestamp_nanos() as f64 / 1e9
}

pub async fn put(call: &Call<'_>) -> Result<Value, SesError> {
    call.caller
        .require(Permission::Send, "PutSuppressedDestination")?;
    let address = call.body["EmailAddress"]
        .as_str()
        .ok_or_else(|| SesError::invalid_parameter("EmailAddress is required."))?;
    let address = EmailAddress::parse(address).map_err(SesError::invalid_parameter)?;
    let reason = reason(call.body["Reason"].as_str())?;
    let actor = call.caller.actor(&call.parts, "PutSuppressedDestination");
    let pool = &call.api.context.pool;
    suppression::put(
        pool,
        call.caller.account(),
        address.as_str(),
        reason,
        &actor,
    )
    .await?;
    Ok(json!({}))
}

pub async fn get(call: &Call<'_>, address: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetSuppressedDestination")?;
    let entry = suppression::get(&call.api.context.pool, call.caller.account(), address)
        .await?
        .ok_or_else(|| not_found(address))?;
    let mut attributes = json!({});
    if let Some(message_id) = &entry.message_id {
        attributes["MessageId"] = json!(message_id);
    }
    Ok(json!({
        "SuppressedDestination": {
            "EmailAddress": entry.email_address,
            "Reason": entry.reason,
            "LastUpdateTime": epoch(entry.last_update),
            "Attributes": attributes,
        }
    }))
}

pub async fn delete(call: &Call<'_>, address: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::Send, "DeleteSuppressedDestination")?;
    let actor = call
        .caller
        .actor(&call.parts, "DeleteSuppressedDestination");
    let pool = &call.api.context.pool;
    if suppression::delete(pool, call.caller.account(), address, &actor).await? {
        Ok(json!({}))
    } else {
        Err(not_found(address))
    }
}

/// One page, newest first; `NextToken` is where the next page starts.
pub async fn list(call: &Call<'_>) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListSuppressedDestinations")?;
    let query = call.parts.uri.query().unwrap_or("");
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let reasons: Vec<&str> = params
        .iter()
        .filter(|(k, _)| k == "Reason")
        .map(|(_, v)| reason(Some(v)))
        .collect::<Result<_, _>>()?;
    // One reason filters; both (or none) is everything.
    let only = match reasons.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let page = match param("PageSize") {
        Some(size) => size
            .parse::<i64>()
            .ok()
            .filter(|s| (1..=MAX_PAGE).contains(s))
            .ok_or_else(|| {
                SesError::invalid_parameter(format!("PageSize must be 1 to {MAX_PAGE}."))
            })?,
        None => DEFAULT_PAGE,
    };
    let offset = match param("NextToken") {
        Some(token) => token
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| SesError::invalid_parameter("The NextToken is not valid."))?,
        None => 0,
    };
    // One more than a page tells whether another page follows.
    let mut entries = suppression::list(
        &call.api.context.pool,
        call.caller.account(),
        None,
        only,
        page + 1,
        offset,
    )
    .await?;
    let more = entries.len() as i64 > page;
    entries.truncate(page as usize);
    let summaries: Vec<Value> = entries
        .into_iter()
        .map(|e| json!({ "EmailAddress": e.email_address, "Reason": e.reason, "LastUpdateTime": epoch(e.last_update) }))
        .collect();
    let mut body = json!({ "SuppressedDestinationSummaries": summaries });
    if more {
        body["NextToken"] = json!((offset + page).to_string());
    }
    Ok(body)
}
