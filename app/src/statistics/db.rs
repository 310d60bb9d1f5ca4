//! Reading the counts: `send_statistic`'s four stripes per interval summed, with the sends
//! of the last 24 hours that `send_volume` still holds, in intervals of any length (15
//! minutes for the API, hours for the page's charts).

use sqlx::PgExecutor;
use time::OffsetDateTime;

use super::Counts;
use crate::ids::AccountId;

/// How far back statistics go (SES: two weeks).
pub const DAYS: i32 = 14;

/// Forgets intervals older than anything read (a day of slack past two weeks); returns how
/// many rows went.
pub async fn forget_old(db: impl PgExecutor<'_>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        // language=PostgreSQL
        r#"delete from send_statistic where interval_start < now() - make_interval(days => $1)"#,
        DAYS + 1
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The account's counts in a region over the last two weeks, per `bin_secs`, oldest first;
/// intervals with nothing in them are left out.
pub async fn intervals(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
    bin_secs: i32,
) -> Result<Vec<(OffsetDateTime, Counts)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select date_bin(make_interval(secs => $3), t.start, timestamptz 'epoch') as "start!",
                  sum(t.delivery_attempts)::bigint as "delivery_attempts!", sum(t.deliveries)::bigint as "deliveries!",
                  sum(t.bounces)::bigint as "bounces!", sum(t.complaints)::bigint as "complaints!",
                  sum(t.rejects)::bigint as "rejects!"
           from (select interval_start as start, delivery_attempts, deliveries, bounces, complaints, rejects
                 from send_statistic
                 where account_id = $1 and region = $2
                   and interval_start > now() - make_interval(days => $4)
                 union all
                 -- Sends still counted against the daily quota (see migration 0019).
                 select minute, attempts, 0, 0, 0, 0 from send_volume
                 where account_id = $1 and region = $2) t
           group by 1 order by 1"#,
        account.as_str(),
        region,
        f64::from(bin_secs),
        DAYS
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let counts = Counts {
                delivery_attempts: r.delivery_attempts,
                deliveries: r.deliveries,
                bounces: r.bounces,
                complaints: r.complaints,
                rejects: r.rejects,
            };
            (r.start, counts)
        })
        .collect())
}
