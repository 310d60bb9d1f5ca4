//! Building a month's statement from usage and the price list.

use base64::{engine::general_purpose::STANDARD, Engine};
use rust_decimal::{Decimal, RoundingStrategy};
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

/// An exact amount to the minor unit (two places: the price list's currencies are USD-like),
/// so a page shows `0.02`, not `0.00020007212`; a charge under half a cent is `< 0.01`,
/// not a misleading `0.00`. The CSV keeps the exact figure.
fn shown(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    if rounded.is_zero() && !amount.is_zero() {
        "< 0.01".to_owned()
    } else {
        format!("{rounded:.2}")
    }
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
                amount_shown: shown(charge),
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
        amount_shown: shown(amount),
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

    #[test]
    fn amounts_are_shown_to_the_cent_and_tiny_ones_are_not_zero() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(shown(d("0.00020007212")), "< 0.01");
        assert_eq!(shown(d("0")), "0.00");
        assert_eq!(shown(d("0.005")), "0.01");
        assert_eq!(shown(d("12.3456")), "12.35");
        assert_eq!(shown(d("7")), "7.00");
    }
}
