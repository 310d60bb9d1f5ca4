//! The price list (`[billing]` in the server's settings) and what usage costs under it.
//! Amounts are exact decimals: a GB is 10^9 bytes, so every charge is a finite decimal and
//! the sum of per-message charges equals the charge of their sum.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Usage;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriceList {
    pub currency: String,
    /// Per 1,000 recipients (SES: $0.10).
    pub per_thousand_recipients: Decimal,
    /// Per GB (10^9 bytes) of messages, attachments included (SES: $0.12).
    pub per_gb: Decimal,
}

impl Default for PriceList {
    fn default() -> Self {
        Self {
            currency: "USD".to_owned(),
            per_thousand_recipients: Decimal::new(10, 2),
            per_gb: Decimal::new(12, 2),
        }
    }
}

impl PriceList {
    /// What `usage` costs, exactly.
    pub fn charge(&self, usage: &Usage) -> Decimal {
        let recipients =
            Decimal::from(usage.recipients) * self.per_thousand_recipients / Decimal::from(1_000);
        let data = Decimal::from(usage.bytes) * self.per_gb / Decimal::from(1_000_000_000);
        (recipients + data).normalize()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(recipients: i64, bytes: i64) -> Usage {
        Usage {
            messages: 1,
            recipients,
            bytes,
        }
    }

    #[test]
    fn ses_prices_by_default() {
        let prices = PriceList::default();
        assert_eq!(prices.charge(&usage(1_000, 0)).to_string(), "0.1");
        assert_eq!(prices.charge(&usage(1, 0)).to_string(), "0.0001");
        assert_eq!(prices.charge(&usage(0, 1_000_000_000)).to_string(), "0.12");
        assert_eq!(prices.charge(&usage(0, 1)).to_string(), "0.00000000012");
        assert_eq!(prices.charge(&usage(0, 0)).to_string(), "0");
    }

    #[test]
    fn charges_add_up_exactly() {
        let prices = PriceList::default();
        let parts = [usage(3, 1_234), usage(7, 98_765), usage(1, 1)];
        let mut whole = Usage::default();
        let mut sum = Decimal::ZERO;
        for part in &parts {
            whole.add(part);
            sum += prices.charge(part);
        }
        assert_eq!(sum.normalize(), prices.charge(&whole));
    }

    #[test]
    fn prices_are_read_from_strings() {
        let prices: PriceList = serde_json::from_str(
            r#"{"currency": "EUR", "per_thousand_recipients": "0.09", "per_gb": "0.1"}"#,
        )
        .unwrap();
        assert_eq!(
            prices.charge(&usage(2_000, 500_000_000)).to_string(),
            "0.23"
        );
    }
}
