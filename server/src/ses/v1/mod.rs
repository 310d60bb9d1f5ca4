//! The v1 Query API: `POST /` with `Action=…&Version=2010-12-01`, XML answers.

mod account;
mod configuration_sets;
mod identities;
mod policies;
mod send;
mod templates;

use app::sending::accept::Idempotency;
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, request::Parts, StatusCode},
    response::{IntoResponse, Response},
};
use sesame_wire::query_params::Params;

use super::{
    auth::{identify, ApiCaller},
    error::SesError,
    outgoing,
    xml::{self, XmlWriter},
    SesApi, MAX_V1_BODY,
};

/// The actions this API answers (each name is also its response element's prefix).
const ACTIONS: [&str; 29] = [
    "GetSendStatistics",
    "SendEmail",
    "SendRawEmail",
    "SendTemplatedEmail",
    "CreateTemplate",
    "GetTemplate",
    "UpdateTemplate",
    "DeleteTemplate",
    "ListTemplates",
    "CreateConfigurationSet",
    "DeleteConfigurationSet",
    "ListConfigurationSets",
    "GetSendQuota",
    "VerifyDomainIdentity",
    "VerifyDomainDkim",
    "VerifyEmailIdentity",
    "VerifyEmailAddress",
    "ListIdentities",
    "ListVerifiedEmailAddresses",
    "DeleteVerifiedEmailAddress",
    "GetIdentityVerificationAttributes",
    "GetIdentityDkimAttributes",
    "GetIdentityNotificationAttributes",
    "SetIdentityFeedbackForwardingEnabled",
    "DeleteIdentity",
    "PutIdentityPolicy",
    "GetIdentityPolicies",
    "ListIdentityPolicies",
    "DeleteIdentityPolicy",
];

/// What every action gets.
pub struct Call<'a> {
    pub api: &'a SesApi,
    pub caller: ApiCaller,
    pub params: Params,
    /// The request's method, URI and headers (source IP and user agent for policies).
    pub parts: Parts,
    /// Its `Idempotency-Key`, bound to its body.
    pub idempotency: Option<Idempotency>,
    /// Headers the action adds to its response (sends: where the quota stands).
    pub response_headers: std::sync::Mutex<Vec<(&'static str, String)>>,
}

pub async fn handle(State(api): State<SesApi>, request: Request<Body>) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    match answer(&api, request).await {
        Ok((action, result, headers)) => {
            let body = xml::success(action, &request_id, result);
            let mut response = xml_response(StatusCode::OK, &request_id, body);
            outgoing::add_headers(&mut response, headers);
            response
        }
        Err(error) => {
            if error.status.is_server_error() {
                tracing::error!(code = %error.code, message = %error.message, "SES API error");
            }
            error_response(&error, &request_id)
        }
    }
}

/// `error` as the Query API's XML `ErrorResponse`.
pub fn error_response(error: &SesError, request_id: &str) -> Response {
    xml_response(error.status, request_id, xml::error(error, request_id))
}

fn xml_response(status: StatusCode, request_id: &str, body: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/xml"),
            (
                header::HeaderName::from_static("x-amzn-requestid"),
                request_id,
            ),
        ],
        body,
    )
        .into_response()
}

/// The action's name, its result and any extra response headers.
type Answer = (&'static str, XmlWriter, Vec<(&'static str, String)>);

async fn answer(api: &SesApi, request: Request<Body>) -> Result<Answer, SesError> {
    let (parts, body) = request.into_parts();
    let credential = identify(&api.context, &parts).await?;
    let (body, _in_flight) = api.bodies.read(&parts, body, MAX_V1_BODY).await?;
    let caller = credential
        .verify(&api.context, &parts, &body, api.clock_skew_secs)
        .await?;
    let idempotency = outgoing::idempotency(&parts, &body)?;
    let params = Params::parse(parts.uri.query().unwrap_or(""), &body)?;
    let action = params.required("Action")?.to_owned();
    let call = Call {
        api,
        caller,
        params,
        parts,
        idempotency,
        response_headers: Default::default(),
    };
    let name = ACTIONS
        .iter()
        .copied()
        .find(|known| *known == action)
        .ok_or_else(|| invalid_action(&action))?;
    let result = match name {
        "SendEmail" => send::send_email(&call).await,
        "SendRawEmail" => send::send_raw_email(&call).await,
        "SendTemplatedEmail" => send::send_templated_email(&call).await,
        "CreateTemplate" => templates::create(&call).await,
        "GetTemplate" => templates::get(&call).await,
        "UpdateTemplate" => templates::update(&call).await,
        "DeleteTemplate" => templates::delete(&call).await,
        "ListTemplates" => templates::list(&call).await,
        "CreateConfigurationSet" => configuration_sets::create(&call).await,
        "DeleteConfigurationSet" => configuration_sets::delete(&call).await,
        "ListConfigurationSets" => configuration_sets::list(&call).await,
        "GetSendQuota" => account::get_send_quota(&call).await,
        "GetSendStatistics" => account::get_send_statistics(&call).await,
        "VerifyDomainIdentity" => identities::verify_domain(&call).await,
        "VerifyDomainDkim" => identities::verify_domain_dkim(&call).await,
        "VerifyEmailIdentity" | "VerifyEmailAddress" => identities::verify_email(&call).await,
        "ListIdentities" => identities::list(&call).await,
        "ListVerifiedEmailAddresses" => identities::list_verified_addresses(&call).await,
        "DeleteVerifiedEmailAddress" => identities::delete_verified_address(&call).await,
        "GetIdentityVerificationAttributes" => identities::verification_attributes(&call).await,
        "GetIdentityDkimAttributes" => identities::dkim_attributes(&call).await,
        "GetIdentityNotificationAttributes" => identities::notification_attributes(&call).await,
        "SetIdentityFeedbackForwardingEnabled" => identities::set_feedback_forwarding(&call).await,
        "DeleteIdentity" => identities::delete(&call).await,
        "PutIdentityPolicy" => policies::put(&call).await,
        "GetIdentityPolicies" => policies::get(&call).await,
        "ListIdentityPolicies" => policies::list(&call).await,
        "DeleteIdentityPolicy" => policies::delete(&call).await,
        _ => Err(invalid_action(name)),
    };
    call.caller.record_use(&api.context).await;
    let xml = result?;
    let headers = std::mem::take(
        &mut *call
            .response_headers
            .lock()
            .unwrap_or_else(|e| e.into_inner()),
    );
    Ok((name, xml, headers))
}

fn invalid_action(action: &str) -> SesError {
    SesError::sender(
        "InvalidAction",
        format!("The action {action} is not valid for this web service."),
    )
}
