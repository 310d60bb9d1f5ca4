//! Who is calling: the access key named in a SigV4 signature, verified against its secret
//! (`app::access_keys::principal`), with its user's role and the region the request was
//! signed for.

use std::{
    net::{IpAddr, SocketAddr},
    ops::Deref,
    sync::{Arc, OnceLock},
};

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

/// An authenticated API caller: the principal a verified signature proves, and where the
/// request came from.
#[derive(Debug)]
pub struct ApiCaller {
    principal: KeyPrincipal,
    client: Option<IpAddr>,
    /// The key's use is not recorded yet this minute (`record_use`).
    unrecorded: bool,
    /// The action the request asked for (`require`), for the key's last use.
    action: OnceLock<String>,
}

impl Deref for ApiCaller {
    type Target = KeyPrincipal;

    fn deref(&self) -> &KeyPrincipal {
        &self.principal
    }
}

impl ApiCaller {
    /// Refuses an action the user's role does not allow, or the key's scope does not (from
    /// where the request came), as IAM words it. Every action passes here first.
    pub fn require(&self, permission: Permission, action: &str) -> Result<(), SesError> {
        // The first action asked for is the request's.
        let _ = self.action.set(action.to_owned());
        let refused = |because: Option<String>| {
            let reason = because.map_or(String::new(), |b| format!(" because {b}"));
            SesError::access_denied(format!(
                "User: {} is not authorized to perform: ses:{action}{reason}",
                self.user_arn()
            ))
        };
        if !self.may(permission) {
            return Err(refused(None));
        }
        match self.scope_refusal(action, self.client) {
            Some(because) => Err(refused(Some(because))),
            None => Ok(()),
        }
    }

    /// Records the key's use — when, in which region, for which action — at most once a
    /// minute; a failure to record is logged, not the request's.
    pub async fn record_use(&self, context: &AppContext) {
        let Some(action) = self.action.get().filter(|_| self.unrecorded) else {
            return;
        };
        let (id, region) = (self.access_key_id(), self.region());
        if let Err(e) = keys::touch_last_used(&context.pool, id, region, action).await {
            tracing::warn!(error = %e, access_key_id = id, "could not record an access key's use");
        }
    }

    /// Who the audit log says made a change through SES action `action` of this request.
    pub fn actor(&self, parts: &Parts, action: &str) -> Actor {
        // As the console reads it: lossily, so a non-ASCII agent is kept, not dropped.
        let user_agent = parts
            .headers
            .get(axum::http::header::USER_AGENT)
            .map(|v| String::from_utf8_lossy(v.as_bytes()));
        Actor::api(self, action, self.client, user_agent.as_deref())
    }
}

/// The request's client (behind trusted proxies, the one they name: `client_address`).
fn client_of(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// A request's credential, resolved from its `Authorization` header before the body is
/// read: unsigned requests and unknown keys are refused without buffering anything.
pub struct Credential {
    auth: Authorization,
    key: Arc<CachedKey>,
    /// Looked up afresh, and not used in the last minute.
    unrecorded: bool,
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
        return Ok(Credential {
            auth,
            key,
            unrecorded: false,
        });
    }
    let key = keys::find_signing_key(&context.pool, &auth.access_key_id)
        .await?
        .filter(keys::SigningKey::usable)
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
    let unrecorded = !key.used_recently;
    // Remembered as used: a later request from the memory has nothing to record.
    let key = keys::SigningKey {
        used_recently: true,
        ..key
    };
    let key = context
        .keys
        .put(&auth.access_key_id, CachedKey { key, secret });
    Ok(Credential {
        auth,
        key,
        unrecorded,
    })
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
            Ok(principal) => Ok(ApiCaller {
                principal,
                client: client_of(parts),
                unrecorded: self.unrecorded,
                action: OnceLock::new(),
            }),
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
