use leptos::prelude::*;

use super::{StatisticsView, Window};
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

/// Counts per bucket over `window` in each region the account uses.
#[server(prefix = "/api", endpoint = "statistics/overview")]
pub async fn statistics_overview(window: Window) -> Result<Vec<StatisticsView>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let ctx = app_context()?;
    let regions = crate::accounts::db::list_region_limits(&ctx.pool, caller.account_id()).await?;
    let bucket = Duration::hours(window.bucket_hours());
    let bucket_secs = bucket.whole_seconds();
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // Buckets start at whole multiples of their length since the epoch, as the query bins.
    let current = OffsetDateTime::from_unix_timestamp(now / bucket_secs * bucket_secs)
        .map_err(crate::server::errors::internal)?;
    let first = current - bucket * (window.buckets() - 1) as i32;
    let label = match window {
        Window::Day => time::macros::format_description!("[hour]:00"),
        Window::Week => time::macros::format_description!("[month repr:short] [day] [hour]:00"),
        Window::TwoWeeks => time::macros::format_description!("[month repr:short] [day]"),
    };
    let mut views = Vec::new();
    for region in regions {
        let counted: std::collections::HashMap<_, _> = db::intervals(
            &ctx.pool,
            caller.account_id(),
            &region.region,
            bucket_secs as i32,
        )
        .await?
        .into_iter()
        .collect();
        let mut totals = Counts::default();
        let buckets = (0..window.buckets())
            .map(|i| {
                let start = first + bucket * i as i32;
                let counts = counted.get(&start).copied().unwrap_or_default();
                totals.add(&counts);
                (start.format(label).unwrap_or_default(), counts)
            })
            .collect();
        views.push(StatisticsView {
            region: region.region,
            buckets,
            totals,
        });
    }
    Ok(views)
}
