//! Errors as SES answers them: a code, a message and an HTTP status, rendered as the v1
//! Query API's XML `ErrorResponse` or the v2 API's JSON with `x-amzn-ErrorType`.

use app::{error::AppError, identities::service::ForwardingChange};
use axum::http::StatusCode;

use sesame_wire::{query_params::ParamError, sigv4::SignatureError};

use crate::bodies::Refusal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesError {
    pub code: String,
    pub message: String,
    pub status: StatusCode,
}

impl SesError {
    pub fn new(code: &str, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            status,
        }
    }

    /// A client error (HTTP 400), SES's default.
    pub fn sender(code: &str, message: impl Into<String>) -> Self {
        Self::new(code, StatusCode::BAD_REQUEST, message)
    }

    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::sender("InvalidParameterValue", message)
    }

    /// A required parameter is missing, in AWS's words.
    pub fn missing(parameter: &str) -> Self {
        Self::sender(
            "ValidationError",
            format!("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null", lower_first(parameter)),
        )
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new("AccessDenied", StatusCode::FORBIDDEN, message)
    }

    /// Whether SES blames the caller (`Sender`) or itself (`Receiver`).
    pub fn fault(&self) -> &'static str {
        if self.status.is_server_error() {
            "Receiver"
        } else {
            "Sender"
        }
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

impl From<SignatureError> for SesError {
    fn from(error: SignatureError) -> Self {
        let status = match error {
            SignatureError::Incomplete(_) | SignatureError::Expired { .. } => {
                StatusCode::BAD_REQUEST
            }
            SignatureError::Missing | SignatureError::Mismatch => StatusCode::FORBIDDEN,
        };
        Self::new(error.code(), status, error.to_string())
    }
}

impl From<Refusal> for SesError {
    fn from(refusal: Refusal) -> Self {
        let code = match refusal {
            Refusal::TooLarge { .. } => "RequestEntityTooLarge",
            Refusal::Busy => "ServiceUnavailable",
            Refusal::Timeout => "RequestTimeout",
        };
        Self::new(code, refusal.status(), refusal.to_string())
    }
}

impl From<ParamError> for SesError {
    fn from(error: ParamError) -> Self {
        match error {
            ParamError::Missing(name) => Self::missing(&name),
            ParamError::Invalid(message) => Self::invalid_parameter(message),
        }
    }
}

impl SesError {
    /// SES's answers (both versions) to a forwarding change that did not happen.
    pub fn unless_forwarding_changed(change: ForwardingChange) -> Result<(), SesError> {
        match change {
            ForwardingChange::Done => Ok(()),
            ForwardingChange::NotFound => {
                Err(SesError::invalid_parameter("Identity does not exist."))
            }
            ForwardingChange::NeedsDestinations => Err(SesError::invalid_parameter(
                app::identities::FORWARDING_NEEDS_DESTINATIONS,
            )),
        }
    }
}

/// Errors of the shared product code, in SES's vocabulary.
impl From<AppError> for SesError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::FieldInvalid { message, .. } => Self::invalid_parameter(message),
            AppError::NotFound { item } => {
                Self::invalid_parameter(format!("{item} does not exist."))
            }
            AppError::Conflict { message } => Self::sender("LimitExceeded", message),
            AppError::Throttled { retry_after_secs } => Self::sender(
                "Throttling",
                format!("Rate exceeded. Try again in {retry_after_secs} seconds."),
            ),
            AppError::Unauthorized | AppError::Forbidden => {
                Self::access_denied("You are not authorized to perform this operation.")
            }
            AppError::Internal { reference } => Self::new(
                "InternalFailure",
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The request processing has failed because of an unknown error. Reference: {reference}."),
            ),
            AppError::ServerFn(e) => Self::invalid_parameter(e.to_string()),
        }
    }
}

impl From<sqlx::Error> for SesError {
    fn from(error: sqlx::Error) -> Self {
        AppError::from(error).into()
    }
}
