use leptos::prelude::*;

use super::StatisticsView;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{db, Counts},
    crate::{
        auth::{session::require_account, Permission},
        server::app_context,
    },
    time::{Duration, OffsetDateTime},
};

/// Hourly counts over the last two weeks in each region the account uses.
#[server(prefix = "/api", endpoint = "statistics/overview")]
pub async fn statistics_overview() -> Result<Vec<StatisticsView>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let regions = crate::accounts::db::list_region_limits(&ctx.pool, caller.account_id()).await?;
    let now = OffsetDateTime::now_utc();
    let this_hour = OffsetDateTime::from_unix_timestamp(now.unix_timestamp() / 3600 * 3600)
        .map_err(crate::server::errors::internal)?;
    let first_hour = this_hour - Duration::hours(i64::from(db::DAYS) * 24 - 1);
    let label = time::macros::format_description!("[month repr:short] [day] [hour]:00");
    let mut views = Vec::new();
    for region in regions {
        let counted: std::collections::HashMap<_, _> =
            db::intervals(&ctx.pool, caller.account_id(), &region.region, 3600)
                .await?
                .into_iter()
                .collect();
        let mut totals = Counts::default();
        let hourly = (0..db::DAYS * 24)
            .map(|h| {
                let hour = first_hour + Duration::hours(i64::from(h));
                let counts = counted.get(&hour).copied().unwrap_or_default();
                totals.add(&counts);
                (hour.format(label).unwrap_or_default(), counts)
            })
            .collect();
        views.push(StatisticsView {
            region: region.region,
            hourly,
            totals,
        });
    }
    Ok(views)
}
