//! Identity parameters: SES accepts a bare name (`example.com`, `a@example.com`) or an
//! identity ARN. Either way the identity is the caller's, in the request's region.

use app::{
    identities::{
        db,
        domain::{address_identity_name, DomainName},
    },
    server::errors::internal,
};
use uuid::Uuid;

use super::{auth::ApiCaller, error::SesError, SesApi};

/// The identity name a parameter refers to, normalised as identities are stored.
pub fn identity_name(caller: &ApiCaller, value: &str) -> Result<String, SesError> {
    let name = match value.strip_prefix("arn:aws:ses:") {
        Some(rest) => {
            let mut parts = rest.splitn(3, ':');
            let (region, account, resource) = (parts.next(), parts.next(), parts.next());
            let name = resource.and_then(|r| r.strip_prefix("identity/"));
            match (region, account, name) {
                (Some(region), Some(account), Some(name))
                    if region == caller.region() && account == caller.account().as_str() =>
                {
                    name
                }
                _ => {
                    return Err(SesError::invalid_parameter(format!(
                        "{value} is not an identity ARN of your account in {}.",
                        caller.region()
                    )))
                }
            }
        }
        None => value,
    };
    let normalised = if name.contains('@') {
        address_identity_name(name)
    } else {
        DomainName::parse(name).map(|d| d.to_string())
    };
    normalised.map_err(|m| SesError::invalid_parameter(format!("Invalid identity {value}: {m}")))
}

/// The id of the caller's identity `name` in the request's region.
pub async fn find(api: &SesApi, caller: &ApiCaller, name: &str) -> Result<Option<Uuid>, SesError> {
    Ok(db::find_identity_id(&api.context.pool, caller.account(), caller.region(), name).await?)
}

/// The caller's identity row by id (found a moment ago).
pub async fn row(api: &SesApi, caller: &ApiCaller, id: Uuid) -> Result<db::IdentityRow, SesError> {
    db::find_identity(&api.context.pool, caller.account(), id)
        .await?
        .ok_or_else(|| SesError::from(internal("an identity vanished while it was read")))
}
