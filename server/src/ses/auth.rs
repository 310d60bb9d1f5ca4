//! Who is calling: the access key named in a SigV4 signature, verified against its secret
//! (`app::access_keys::principal`), with its user's role and the region the request was
//! signed for.

use std::{net::SocketAddr, ops::Deref, sync::Arc};

use app::{
    access_keys::{
        cache::CachedKey,
        db as keys,
        principal::{signed_by, KeyPrincipal, SignatureRefusal},
    },
    audit::Actor,
    auth::Permission,
    server::{errors::internal, AppContext},
};
use axum::{
    extract::ConnectInfo,
    http::{request::Parts, StatusCode},
};
use sesame_wire::sigv4::{self, Authorization, SignatureError, SignedRequest};

use super::error::SesError;

/// An authenticated API caller: the principal a verified signature proves.
#[derive(Debug, Clone)]
pub struct ApiCaller(KeyPrincipal);

impl Deref for ApiCaller {
    type Target = KeyPrincipal;

    fn deref(&self) -> &KeyPrincipal {
        &self.0
    }
}

impl ApiCaller {
    /// Refuses an action the user's role does not allow, as IAM words it.
    pub fn require(&self, permission: Permission, action: &str) -> Result<(), SesError> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(SesError::access_denied(format!(
                "User: {} is not authorized to perform: ses:{action}",
                self.user_arn()
            )))
        }
    }

    /// Who the audit log says made a change through SES action `action` of this request.
    pub fn actor(&self, parts: &Parts, action: &str) -> Actor {
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        Actor::api(self, action, client, user_agent)
    }
}

/// A request's credential, resolved from its `Authorization` header before the body is
/// read: unsigned requests and unknown keys are refused without buffering anything.
pub struct Credential {
    auth: Authorization,
    key: Arc<CachedKey>,
}

/// Parses the signature header and finds the (active) access key it names.
pub async fn identify(context: &AppContext, parts: &Parts) -> Result<Credential, SesError> {
    // The signature covers the normalised path and the router reads the path as sent: the
    // two must be the same path, or a signature for one request could be replayed as
    // another (`/identities/x/../account`).
    if !sigv4::is_normal_path(parts.uri.path()) {
        return Err(SesError::invalid_parameter(
            "The request path has empty, `.` or `..` segments; send it normalised, as the AWS SDKs do.",
        ));
    }
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
    if let Some(key) = context.keys.get(&auth.access_key_id) {
        return Ok(Credential { auth, key });
    }
    let key = keys::find_signing_key(&context.pool, &auth.access_key_id)
        .await?
        .filter(|k| k.active && !k.user_disabled)
        .ok_or_else(|| {
            SesError::new(
                "InvalidClientTokenId",
                StatusCode::FORBIDDEN,
                "The security token included in the request is invalid.",
            )
        })?;
    let secret = context
        .vault
        .open(&key.secret, &auth.access_key_id)
        .map_err(internal)?;
    let secret = String::from_utf8(secret).map_err(internal)?;
    if !key.used_recently {
        keys::touch_last_used(&context.pool, &auth.access_key_id).await?;
    }
    // Remembered as used: a later request from the memory has nothing to record.
    let key = keys::SigningKey {
        used_recently: true,
        ..key
    };
    let key = context
        .keys
        .put(&auth.access_key_id, CachedKey { key, secret });
    Ok(Credential { auth, key })
}

impl Credential {
    /// Verifies the signature over the request as received, `body` included, and resolves
    /// the caller. `clock_skew_secs` is how far the signing time may be from the server's.
    pub async fn verify(
        self,
        context: &AppContext,
        parts: &Parts,
        body: &[u8],
        clock_skew_secs: i64,
    ) -> Result<ApiCaller, SesError> {
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
        match signed_by(context, &self.key, &self.auth, &request, clock_skew_secs) {
            Ok(principal) => Ok(ApiCaller(principal)),
            Err(SignatureRefusal::Signature(e)) => Err(e.into()),
            Err(SignatureRefusal::AccountDisabled) => Err(SesError::access_denied(
                "This account has been disabled by the operator of this Sesame.",
            )),
            Err(SignatureRefusal::UnknownRegion(region)) => Err(SesError::invalid_parameter(
                format!("Sesame does not serve region {region}."),
            )),
            Err(SignatureRefusal::Internal(e)) => Err(e.into()),
        }
    }
}
