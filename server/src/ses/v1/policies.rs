//! Sending authorization policy actions over the same storage and validation as the
//! Authorization tab, with SES's error codes.

use app::{
    auth::Permission,
    error::AppError,
    policies::{
        db, minified,
        service::{delete_policy, put_policy, PutMode},
        MAX_POLICIES_PER_IDENTITY,
    },
};

use super::{identities::find_existing, Call, SesError, XmlWriter};
use crate::ses::identity_ref::identity_name;

/// `PutIdentityPolicy`: creates or replaces a policy.
pub async fn put(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ManageIdentities, "PutIdentityPolicy")?;
    let name = identity_name(&call.caller, call.params.required("Identity")?)?;
    let policy_name = call.params.get("PolicyName").unwrap_or_default();
    let document = call.params.get("Policy").unwrap_or_default();
    let id = find_existing(call, &name).await?;
    let stored = put_policy(
        &call.api.context.pool,
        call.caller.account(),
        id,
        policy_name,
        document,
        PutMode::Upsert,
        &call.caller.actor(&call.parts, "PutIdentityPolicy"),
    )
    .await;
    stored.map_err(policy_error)?;
    Ok(XmlWriter::default())
}

/// SES's codes for a refused policy: `InvalidPolicy` for the document, `ValidationError`
/// or `InvalidParameterValue` for the name, `InvalidParameterValue` past 20 policies.
fn policy_error(error: AppError) -> SesError {
    match error {
        AppError::FieldInvalid { field, message } if field == "document" => {
            let message = message
                .strip_prefix("Invalid policy: ")
                .map(str::to_owned)
                .unwrap_or(message);
            SesError::sender("InvalidPolicy", message)
        }
        AppError::FieldInvalid { message, .. } if message.starts_with("1 validation error") => {
            SesError::sender("ValidationError", message)
        }
        AppError::Conflict { message } => SesError::invalid_parameter(message),
        other => other.into(),
    }
}

/// `GetIdentityPolicies`: the named policies that exist, whitespace stripped as SES does.
pub async fn get(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetIdentityPolicies")?;
    let name = identity_name(&call.caller, call.params.required("Identity")?)?;
    let wanted = call.params.list("PolicyNames")?;
    if wanted.len() > MAX_POLICIES_PER_IDENTITY {
        return Err(SesError::invalid_parameter(format!(
            "At most {MAX_POLICIES_PER_IDENTITY} policy names per request."
        )));
    }
    let id = find_existing(call, &name).await?;
    let policies = db::list_policies(&call.api.context.pool, call.caller.account(), id).await?;
    let found = policies
        .into_iter()
        .filter(|p| wanted.contains(&p.name.as_str()))
        .map(|p| (p.name, minified(&p.document)));
    let mut xml = XmlWriter::default();
    xml.entries("Policies", found, |w, document| {
        w.text(&document);
    });
    Ok(xml)
}

/// `ListIdentityPolicies`.
pub async fn list(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListIdentityPolicies")?;
    let name = identity_name(&call.caller, call.params.required("Identity")?)?;
    let id = find_existing(call, &name).await?;
    let policies = db::list_policies(&call.api.context.pool, call.caller.account(), id).await?;
    let mut xml = XmlWriter::default();
    xml.members("PolicyNames", policies.iter().map(|p| p.name.as_str()));
    Ok(xml)
}

/// `DeleteIdentityPolicy`: succeeds whether or not the policy exists, as SES does.
pub async fn delete(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ManageIdentities, "DeleteIdentityPolicy")?;
    let name = identity_name(&call.caller, call.params.required("Identity")?)?;
    let policy_name = call.params.required("PolicyName")?;
    let id = find_existing(call, &name).await?;
    delete_policy(
        &call.api.context.pool,
        call.caller.account(),
        id,
        policy_name,
        &call.caller.actor(&call.parts, "DeleteIdentityPolicy"),
    )
    .await?;
    Ok(XmlWriter::default())
}
