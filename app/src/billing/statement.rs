//! Building a month's statement from usage and the price list.

use base64::{engine::general_purpose::STANDARD, Engine};
use rust_decimal::Decimal;
use sqlx::PgPool;
use time::{Date, Month, OffsetDateTime, Time};

use super::{csv::statement_csv, db, prices::PriceList, LineItem, Statement, Usage};
use crate::{error::AppError, ids::AccountId};

/// The first instant of `month` (`YYYY-MM`) and of the month after, UTC.
pub fn month_bounds(month: &str) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let (year, number) = month.split_once('-')?;
    let year: i32 = year.parse().ok()?;
    let number: u8 = number.parse().ok()?;
    let first = Date::from_calendar_date(year, Month::try_from(number).ok()?, 1).ok()?;
    let next = match first.month() {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1).ok()?,
        m => Date::from_calendar_date(year, m.next(), 1).ok()?,
    };
    Some((
        first.with_time(Time::MIDNIGHT).assume_utc(),
        next.with_time(Time::MIDNIGHT).assume_utc(),
    ))
}

/// The account's statement for `month`: one line per identity, priced.
pub async fn statement(
    pool: &PgPool,
    prices: &PriceList,
    account: &AccountId,
    month: &str,
) -> Result<Statement, AppError> {
    let (from, until) = month_bounds(month)
        .ok_or_else(|| AppError::field("month", "Give the month as YYYY-MM."))?;
    let mut totals = Usage::default();
    let mut amount = Decimal::ZERO;
    let lines = db::usage_by_identity(pool, account, from, until)
        .await?
        .into_iter()
        .map(|(identity_arn, owner_account, usage)| {
            let charge = prices.charge(&usage);
            totals.add(&usage);
            amount += charge;
            LineItem {
                identity_arn,
                owner_account,
                usage,
                amount: charge.to_string(),
            }
        })
        .collect();
    let mut statement = Statement {
        account_id: account.to_string(),
        month: month.to_owned(),
        currency: prices.currency.clone(),
        per_thousand_recipients: prices.per_thousand_recipients.to_string(),
        per_gb: prices.per_gb.to_string(),
        lines,
        totals,
        amount: amount.normalize().to_string(),
        csv_href: String::new(),
        months: db::months_with_usage(pool, account).await?,
    };
    statement.csv_href = format!(
        "data:text/csv;base64,{}",
        STANDARD.encode(statement_csv(&statement))
    );
    Ok(statement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_bounded_in_utc() {
        let (from, until) = month_bounds("2026-12").unwrap();
        assert_eq!(from.to_string(), "2026-12-01 0:00:00.0 +00:00:00");
        assert_eq!(until.to_string(), "2027-01-01 0:00:00.0 +00:00:00");
        assert!(month_bounds("2026-13").is_none());
        assert!(month_bounds("November").is_none());
    }
}
