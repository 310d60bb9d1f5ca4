//! What a send looks like to the policy evaluator: who asks, for what, with which values
//! for the condition keys.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

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
    /// The request's values for a condition key; None when the key is absent.
    pub fn values(&self, key: &str) -> Option<Vec<String>> {
        let one = |v: &Option<String>| v.clone().map(|v| vec![v]);
        match key {
            "ses:Recipients" => Some(self.recipients.clone()),
            "ses:FromAddress" => one(&self.from_address),
            "ses:FromDisplayName" => one(&self.from_display_name),
            "ses:FeedbackAddress" => one(&self.feedback_address),
            "ses:ApiVersion" => Some(vec![self.api_version.clone()]),
            "aws:CurrentTime" | "aws:EpochTime" => Some(vec![self.current_time.to_string()]),
            "aws:SourceIp" => self.source_ip.map(|ip| vec![ip.to_string()]),
            "aws:SecureTransport" => Some(vec![self.secure_transport.to_string()]),
            "aws:UserAgent" => one(&self.user_agent),
            _ => None,
        }
    }
}
