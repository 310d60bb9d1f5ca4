//! The one error type of server functions, designed for the UI to render.
//!
//! Domain and database errors are converted into it on the server (`server::errors`);
//! internal failures are logged there with their cause and reach the client only as an
//! opaque reference. On the server, serialising an error also sets the HTTP status
//! (401, 403, 404, 422, 429, 500…), so scripts and tests see what happened.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
    Bytes, Encodes,
};
use serde::{Deserialize, Serialize};

/// What went wrong, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "type")]
pub enum AppError {
    #[error("Please sign in.")]
    Unauthorized,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("{item} not found.")]
    NotFound { item: String },
    /// A field of the request is invalid; `field` names the input it came from.
    #[error("{message}")]
    FieldInvalid { field: String, message: String },
    #[error("{message}")]
    Conflict { message: String },
    #[error("Too many attempts. Try again in {retry_after_secs} seconds.")]
    Throttled { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Reference: {reference}.")]
    Internal { reference: String },
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// An error about one input field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::FieldInvalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn not_found(item: &str) -> Self {
        Self::NotFound {
            item: item.to_owned(),
        }
    }

    /// The message for `field`, if this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            Self::FieldInvalid { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Unauthorized => S::UNAUTHORIZED,
            Self::Forbidden => S::FORBIDDEN,
            Self::NotFound { .. } => S::NOT_FOUND,
            Self::FieldInvalid { .. } => S::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => S::CONFLICT,
            Self::Throttled { .. } => S::TOO_MANY_REQUESTS,
            Self::Internal { .. } => S::INTERNAL_SERVER_ERROR,
            Self::ServerFn(ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_)) => {
                S::BAD_REQUEST
            }
            Self::ServerFn(_) => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::ServerFn(value)
    }

    fn ser(&self) -> Bytes {
        // The response's status is the error's, not 500 for every failure.
        #[cfg(feature = "ssr")]
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(self.status());
        }
        Self::Encoder::encode(self).unwrap_or_default()
    }
}
