//! v2's `CreateConfigurationSet`, `GetConfigurationSet`, `ListConfigurationSets` and
//! `DeleteConfigurationSet`, over the same sets as the console and v1.

use app::{
    auth::Permission,
    notifications::{check_set_name, db, sets},
};
use axum::http::StatusCode;
use serde_json::{json, Value};

use super::{error, Call};
use crate::ses::error::SesError;

fn not_found(name: &str) -> SesError {
    error(
        "NotFoundException",
        StatusCode::NOT_FOUND,
        format!("Configuration set <{name}> does not exist."),
    )
}

pub async fn create(call: &Call<'_>) -> Result<Value, SesError> {
    call.caller
        .require(Permission::Send, "CreateConfigurationSet")?;
    let name = call.body["ConfigurationSetName"]
        .as_str()
        .ok_or_else(|| SesError::missing("ConfigurationSetName"))?;
    let name = check_set_name(name).map_err(SesError::invalid_parameter)?;
    let (pool, caller) = (&call.api.context.pool, &call.caller);
    let actor = caller.actor(&call.parts, "CreateConfigurationSet");
    if !sets::create(pool, caller.account(), (caller.region(), name), &actor).await? {
        return Err(error(
            "AlreadyExistsException",
            StatusCode::BAD_REQUEST,
            format!("Configuration set <{name}> already exists."),
        ));
    }
    Ok(json!({}))
}

pub async fn get(call: &Call<'_>, name: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetConfigurationSet")?;
    let names = db::set_names(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
    )
    .await?;
    if !names.iter().any(|n| n == name) {
        return Err(not_found(name));
    }
    Ok(json!({ "ConfigurationSetName": name, "Tags": [] }))
}

pub async fn list(call: &Call<'_>) -> Result<Value, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListConfigurationSets")?;
    let names = db::set_names(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
    )
    .await?;
    Ok(json!({ "ConfigurationSets": names }))
}

pub async fn delete(call: &Call<'_>, name: &str) -> Result<Value, SesError> {
    call.caller
        .require(Permission::Send, "DeleteConfigurationSet")?;
    let (pool, caller) = (&call.api.context.pool, &call.caller);
    let actor = caller.actor(&call.parts, "DeleteConfigurationSet");
    if sets::delete(pool, caller.account(), (caller.region(), name), &actor).await? {
        Ok(json!({}))
    } else {
        Err(not_found(name))
    }
}
