//! Who made a change, through what, and from where. Built only from proof of who is asking
//! (an `AccountCtx`, an `OperatorCtx`, a `KeyPrincipal`) or for Sesame's own work, so an
//! entry's actor is never what a request claims to be.

use std::net::IpAddr;

use crate::access_keys::principal::KeyPrincipal;

#[derive(Debug, Clone)]
pub struct Actor {
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) access_key_id: Option<String>,
    pub(super) source: String,
    pub(super) client_address: Option<IpAddr>,
    pub(super) user_agent: Option<String>,
}

impl Actor {
    /// A signed-in user in the console (`AccountCtx::actor`).
    pub fn console(user_arn: String, client: IpAddr, user_agent: &str) -> Actor {
        Actor {
            kind: "user",
            name: user_arn,
            access_key_id: None,
            source: "console".to_owned(),
            client_address: Some(client),
            user_agent: Some(user_agent.to_owned()),
        }
    }

    /// An access key's user calling SES action `action` over the API.
    pub fn api(
        principal: &KeyPrincipal,
        action: &str,
        client: Option<IpAddr>,
        user_agent: Option<&str>,
    ) -> Actor {
        Actor {
            kind: "access_key",
            name: principal.user_arn(),
            access_key_id: Some(principal.access_key_id().to_owned()),
            source: format!("api:{action}"),
            client_address: client,
            user_agent: user_agent.map(crate::auth::registry::clean_user_agent),
        }
    }

    /// An operator in the operator console (`OperatorCtx::actor`).
    pub fn operator(email: &str, client: IpAddr, user_agent: &str) -> Actor {
        Actor {
            kind: "operator",
            name: email.to_owned(),
            access_key_id: None,
            source: "operator console".to_owned(),
            client_address: Some(client),
            user_agent: Some(user_agent.to_owned()),
        }
    }

    /// Sesame itself: `source` names the worker or command (`verification`).
    pub fn sesame(source: &str) -> Actor {
        Actor {
            kind: "sesame",
            name: "Sesame".to_owned(),
            access_key_id: None,
            source: source.to_owned(),
            client_address: None,
            user_agent: None,
        }
    }

    /// Someone who is not signed in, naming `claimed` (a sign-in that failed, a link
    /// followed): the entry says who they claimed to be, and from where.
    pub fn claiming(claimed: String, client: IpAddr, user_agent: &str) -> Actor {
        Actor::console(claimed, client, user_agent).claimed()
    }

    /// This actor as only claimed, not proven (an operator's failed sign-in).
    pub fn claimed(self) -> Actor {
        Actor {
            kind: "anonymous",
            ..self
        }
    }
}
