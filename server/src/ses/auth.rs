//! Who is calling: the access key named in a SigV4 signature, verified against its secret,
//! with its user's role and the region the request was signed for.

use app::{
    access_keys::db as keys,
    auth::{user_arn, Permission, Role},
    ids::AccountId,
    server::{errors::internal, AppContext},
};
use axum::http::{request::Parts, StatusCode};
use time::OffsetDateTime;

use super::{
    error::SesError,
    sigv4::{self, Authorization, SignatureError, SignedRequest},
};

/// An authenticated API caller: a user of an account, acting in one region.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub account: AccountId,
    pub user_name: String,
    pub role: Role,
    /// The region of the credential scope: every request acts in exactly one region.
    pub region: String,
}

impl ApiCaller {
    pub fn user_arn(&self) -> String {
        user_arn(&self.account, &self.user_name)
    }

    /// Refuses an action the user's role does not allow, as IAM words it.
    pub fn require(&self, permission: Permission, action: &str) -> Result<(), SesError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(SesError::access_denied(format!(
                "User: {} is not authorized to perform: ses:{action}",
                self.user_arn()
            )))
        }
    }
}

/// Verifies the request's signature and resolves its caller. `clock_skew_secs` is how far
/// the signing time may be from the server's clock.
pub async fn authenticate(
    context: &AppContext,
    parts: &Parts,
    body: &[u8],
    clock_skew_secs: i64,
) -> Result<ApiCaller, SesError> {
    let header = parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or(SignatureError::Missing)?
        .to_str()
        .map_err(|_| SignatureError::Incomplete("Authorization header is not ASCII.".into()))?;
    let auth = Authorization::parse(header)?;
    if auth.service != "ses" {
        return Err(SesError::new(
            "SignatureDoesNotMatch",
            StatusCode::FORBIDDEN,
            format!(
                "Credential should be scoped to correct service: 'ses'. Credential was scoped to '{}'.",
                auth.service
            ),
        ));
    }
    let invalid_key = || {
        SesError::new(
            "InvalidClientTokenId",
            StatusCode::FORBIDDEN,
            "The security token included in the request is invalid.",
        )
    };
    let key = keys::find_signing_key(&context.pool, &auth.access_key_id)
        .await?
        .filter(|k| k.active && !k.user_disabled)
        .ok_or_else(invalid_key)?;
    let secret = context
        .vault
        .open(&key.secret, &auth.access_key_id)
        .map_err(internal)?;
    let secret = String::from_utf8(secret).map_err(internal)?;
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let payload_hash = sigv4::payload_hash(body);
    let request = SignedRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        payload_hash: &payload_hash,
    };
    sigv4::verify(
        &request,
        &auth,
        &secret,
        OffsetDateTime::now_utc(),
        clock_skew_secs,
    )?;
    if key.account_disabled {
        return Err(SesError::access_denied(
            "This account has been disabled by the operator of this Sesame.",
        ));
    }
    if !context.regions.contains(&auth.region) {
        return Err(SesError::invalid_parameter(format!(
            "Sesame does not serve region {}.",
            auth.region
        )));
    }
    keys::touch_last_used(&context.pool, &auth.access_key_id).await?;
    Ok(ApiCaller {
        account: key.account_id,
        user_name: key.user_name,
        role: key.role.parse().map_err(internal)?,
        region: auth.region,
    })
}
