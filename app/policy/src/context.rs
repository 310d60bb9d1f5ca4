//! What a send looks like to the policy evaluator: who asks, for what, with which values
//! for the condition keys.

use std::{borrow::Cow, net::IpAddr};

use serde::{Deserialize, Serialize};

use super::address;

/// The request being authorised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestContext {
    /// The calling account (12 digits).
    pub principal_account: String,
    /// The calling user, `arn:aws:iam::<account>:user/<name>`.
    pub principal_user_arn: Option<String>,
    /// e.g. `ses:SendRawEmail`.
    pub action: String,
    /// The identity the request names (SourceArn, FromArn, …).
    pub identity_arn: String,
    pub from_address: Option<String>,
    pub from_display_name: Option<String>,
    pub feedback_address: Option<String>,
    pub recipients: Vec<String>,
    pub source_ip: Option<IpAddr>,
    pub secure_transport: bool,
    /// Seconds since the epoch, on the server's clock.
    pub current_time: i64,
    /// "1" for the v1 Query API, "2" for v2 and SMTP.
    pub api_version: String,
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// The request's values for a condition key; None when the key is absent. Borrowed
    /// where the request holds them as text (evaluation runs on every send).
    pub fn values<'a>(&'a self, key: &str) -> Option<Vec<Cow<'a, str>>> {
        let one = |v: &'a Option<String>| v.as_deref().map(|v| vec![Cow::Borrowed(v)]);
        // Addresses compare with their domains normalised, whatever the request wrote.
        let addressed = |v: &'a Option<String>| v.as_deref().map(|v| vec![address::normalise(v)]);
        let owned = |v: String| Some(vec![Cow::Owned(v)]);
        match key {
            "ses:Recipients" => Some(
                self.recipients
                    .iter()
                    .map(|r| address::normalise(r))
                    .collect(),
            ),
            "ses:FromAddress" => addressed(&self.from_address),
            "ses:FromDisplayName" => one(&self.from_display_name),
            "ses:FeedbackAddress" => addressed(&self.feedback_address),
            "ses:ApiVersion" => Some(vec![Cow::Borrowed(self.api_version.as_str())]),
            "aws:CurrentTime" | "aws:EpochTime" => owned(self.current_time.to_string()),
            "aws:SourceIp" => self.source_ip.and_then(|ip| owned(ip.to_string())),
            "aws:SecureTransport" => owned(self.secure_transport.to_string()),
            "aws:UserAgent" => one(&self.user_agent),
            _ => None,
        }
    }
}

/// A time typed into a form — a browser's `datetime-local` value (taken as UTC), ISO 8601,
/// or epoch seconds — as epoch seconds.
pub fn form_time(value: &str) -> Option<i64> {
    super::condition::parse_time(&super::generate::iam_time(value))
}
