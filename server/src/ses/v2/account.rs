//! `GetAccount`.

use app::{accounts::db as accounts, auth::Permission, reputation::EnforcementStatus};
use serde_json::{json, Value};

use super::Call;
use crate::ses::error::SesError;

/// `GetAccount`: the region's quota, sandbox and enforcement state.
pub async fn get_account(call: &Call<'_>) -> Result<Value, SesError> {
    let (api, caller) = (call.api, &call.caller);
    caller.require(Permission::ViewAccount, "GetAccount")?;
    let limits = accounts::list_region_limits(&api.context.pool, caller.account())
        .await?
        .into_iter()
        .find(|l| l.region == caller.region())
        .ok_or_else(|| {
            SesError::invalid_parameter(format!(
                "Your account does not send in region {}.",
                caller.region()
            ))
        })?;
    Ok(json!({
        "DedicatedIpAutoWarmupEnabled": false,
        "EnforcementStatus": EnforcementStatus::parse(&limits.enforcement_status)
            .unwrap_or(EnforcementStatus::Healthy)
            .v2(),
        "ProductionAccessEnabled": !limits.sandbox,
        // Paused by reputation: sends are refused (SES reports the pause the same way).
        "SendingEnabled": limits.enforcement_status != EnforcementStatus::Paused.as_str(),
        "SendQuota": {
            "Max24HourSend": limits.max_24_hour_send,
            "MaxSendRate": limits.max_send_rate,
            "SentLast24Hours": limits.sent_last_24_hours as f64,
        },
    }))
}
