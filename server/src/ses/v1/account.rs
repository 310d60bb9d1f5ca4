//! Account-level actions: the sending quota.

use app::{accounts::db as accounts, auth::Permission, statistics};

use time::format_description::well_known::Rfc3339;

use super::{Call, SesError, XmlWriter};

/// `GetSendQuota`: the region's limits and what was sent in the last 24 hours.
pub async fn get_send_quota(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetSendQuota")?;
    let limits = accounts::list_region_limits(&call.api.context.pool, call.caller.account())
        .await?
        .into_iter()
        .find(|l| l.region == call.caller.region())
        .ok_or_else(|| {
            SesError::invalid_parameter(format!(
                "Your account does not send in region {}.",
                call.caller.region()
            ))
        })?;
    let mut xml = XmlWriter::default();
    xml.leaf("Max24HourSend", &format!("{:.1}", limits.max_24_hour_send))
        .leaf("MaxSendRate", &format!("{:.1}", limits.max_send_rate))
        .leaf(
            "SentLast24Hours",
            &format!("{:.1}", limits.sent_last_24_hours as f64),
        );
    Ok(xml)
}

/// `GetSendStatistics`: per 15-minute interval over two weeks, recipients accepted
/// (DeliveryAttempts) and the bounces, complaints and rejects recorded in it.
pub async fn get_send_statistics(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetSendStatistics")?;
    let intervals = statistics::db::intervals(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
        15 * 60,
    )
    .await?;
    let mut xml = XmlWriter::default();
    xml.element("SendDataPoints", |w| {
        for (start, counts) in &intervals {
            w.element("member", |w| {
                w.leaf("Timestamp", &start.format(&Rfc3339).unwrap_or_default())
                    .leaf("DeliveryAttempts", &counts.delivery_attempts.to_string())
                    .leaf("Bounces", &counts.bounces.to_string())
                    .leaf("Complaints", &counts.complaints.to_string())
                    .leaf("Rejects", &counts.rejects.to_string());
            });
        }
    });
    Ok(xml)
}
