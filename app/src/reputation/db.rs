//! Reputation queries: the rates per account and region (from `send_statistic`), status
//! changes with their history, and the operator's review queue.

use sqlx::{PgConnection, PgExecutor};
use time::OffsetDateTime;

use super::{EnforcementStatus, Rates, Thresholds};
use crate::ids::AccountId;

/// One account region with its status and current rates.
pub struct Standing {
    pub account_id: AccountId,
    pub region: String,
    pub status: EnforcementStatus,
    pub status_changed_at: OffsetDateTime,
    pub rates: Rates,
}

struct StandingRow {
    account_id: AccountId,
    region: String,
    enforcement_status: String,
    status_changed_at: OffsetDateTime,
    rated: i64,
    hard_bounces: i64,
    complaints: i64,
}

impl From<StandingRow> for Standing {
    fn from(r: StandingRow) -> Self {
        Self {
            account_id: r.account_id,
            region: r.region,
            // The column's check constraint allows only the three statuses.
            status: EnforcementStatus::parse(&r.enforcement_status)
                .unwrap_or(EnforcementStatus::Healthy),
            status_changed_at: r.status_changed_at,
            rates: Rates {
                rated: r.rated,
                hard_bounces: r.hard_bounces,
                complaints: r.complaints,
            },
        }
    }
}

/// Every account region that has counted outcomes in its window (what the reputation worker
/// judges), or only `account`'s regions (all of them, for its page).
pub async fn standings(
    db: impl PgExecutor<'_>,
    thresholds: &Thresholds,
    account: Option<&AccountId>,
) -> Result<Vec<Standing>, sqlx::Error> {
    let rows = sqlx::query_as!(
        StandingRow,
        // language=PostgreSQL
        r#"select r.account_id as "account_id: AccountId", r.region, r.enforcement_status,
                  r.status_changed_at,
                  coalesce(sum(s.rated_outcomes), 0)::bigint as "rated!",
                  coalesce(sum(s.hard_bounces), 0)::bigint as "hard_bounces!",
                  coalesce(sum(s.rated_complaints), 0)::bigint as "complaints!"
           from account_region r
           left join send_statistic s
             on s.account_id = r.account_id and s.region = r.region
            and s.interval_start >= now() - make_interval(days => $1)
            and s.interval_start >= coalesce(r.rated_since, '-infinity')
           where ($2::text is null or r.account_id = $2)
           group by r.account_id, r.region
           having $2::text is not null or sum(s.rated_outcomes) > 0
           order by r.account_id, r.region"#,
        thresholds.window_days as i32,
        account.map(AccountId::as_str)
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Standing::from).collect())
}

/// A change of status to record.
pub struct Change<'a> {
    pub account: &'a AccountId,
    pub region: &'a str,
    pub from: EnforcementStatus,
    pub to: EnforcementStatus,
    /// `automatic`, or the operator's email.
    pub decided_by: &'a str,
    pub reason: &'a str,
    /// The rates that decided an automatic change.
    pub rates: Option<&'a Rates>,
    /// An operator's decision: the rates start afresh from now.
    pub restart_window: bool,
}

/// Applies `change` if the region is still in `change.from` (so two workers, or a worker
/// and an operator, never both change it), and records it in the history. False if the
/// status had already moved on.
pub async fn change_status(
    conn: &mut PgConnection,
    change: &Change<'_>,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query_scalar!(
        // language=PostgreSQL
        r#"with changed as (
               update account_region
               set enforcement_status = $3, status_changed_at = now(),
                   rated_since = case when $9 then now() else rated_since end
               where account_id = $1 and region = $2 and enforcement_status = $4
               returning account_id, region),
           logged as (
               insert into enforcement_change (account_id, region, from_status, to_status,
                                               decided_by, reason, bounce_rate, complaint_rate,
                                               rated_volume)
               select account_id, region, $4, $3, $5, $6, $7, $8, $10 from changed)
           select count(*) as "changed!" from changed"#,
        change.account.as_str(),
        change.region,
        change.to.as_str(),
        change.from.as_str(),
        change.decided_by,
        change.reason,
        change.rates.map(Rates::bounce_rate),
        change.rates.map(Rates::complaint_rate),
        change.restart_window,
        change.rates.map(|r| r.rated)
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(changed == 1)
}

pub struct HistoryRow {
    pub created_at: OffsetDateTime,
    pub from_status: String,
    pub to_status: String,
    pub decided_by: String,
    pub reason: String,
}

/// The region's status changes, newest first.
pub async fn history(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Vec<HistoryRow>, sqlx::Error> {
    sqlx::query_as!(
        HistoryRow,
        // language=PostgreSQL
        r#"select created_at, from_status, to_status, decided_by, reason from enforcement_change
           where account_id = $1 and region = $2 order by created_at desc, enforcement_change_id desc
           limit 50"#,
        account.as_str(),
        region
    )
    .fetch_all(db)
    .await
}

/// Daily rates over the last two weeks (UTC days with anything counted).
pub async fn daily_rates(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    region: &str,
) -> Result<Vec<(OffsetDateTime, Rates)>, sqlx::Error> {
    let rows = sqlx::query!(
        // language=PostgreSQL
        r#"select date_trunc('day', interval_start, 'UTC') as "day!",
                  sum(rated_outcomes)::bigint as "rated!", sum(hard_bounces)::bigint as "hard_bounces!",
                  sum(rated_complaints)::bigint as "complaints!"
           from send_statistic
           where account_id = $1 and region = $2
             and interval_start >= date_trunc('day', now(), 'UTC') - interval '13 days'
           group by 1 order by 1"#,
        account.as_str(),
        region
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let rates = Rates {
                rated: r.rated,
                hard_bounces: r.hard_bounces,
                complaints: r.complaints,
            };
            (r.day, rates)
        })
        .collect())
}

/// Who hears about the account's status: its admins' sign-in addresses.
pub async fn admin_emails(
    db: impl PgExecutor<'_>,
    account: &AccountId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"select email from account_user
           where account_id = $1 and role = 'admin' and disabled_at is null order by email"#,
        account.as_str()
    )
    .fetch_all(db)
    .await
}

pub struct CaseRow {
    pub account_id: AccountId,
    pub name: String,
    pub region: String,
    pub enforcement_status: String,
    pub status_changed_at: OffsetDateTime,
    pub last_reason: Option<String>,
}

/// Account regions under review or paused, longest-standing first.
pub async fn review_cases(db: impl PgExecutor<'_>) -> Result<Vec<CaseRow>, sqlx::Error> {
    sqlx::query_as!(
        CaseRow,
        // language=PostgreSQL
        r#"select r.account_id as "account_id: AccountId", a.name, r.region, r.enforcement_status,
                  r.status_changed_at,
                  (select c.reason from enforcement_change c
                   where c.account_id = r.account_id and c.region = r.region
                   order by c.created_at desc, c.enforcement_change_id desc limit 1) as last_reason
           from account_region r join account a on a.account_id = r.account_id
           where r.enforcement_status <> 'Healthy'
           order by r.status_changed_at"#
    )
    .fetch_all(db)
    .await
}
