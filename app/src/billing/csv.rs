//! A statement as CSV: one row per identity, then the total (RFC 4180 quoting).

use super::Statement;
use crate::csv::push_row;

pub fn statement_csv(statement: &Statement) -> String {
    let mut out = format!(
        "month,identity_arn,owner_account,messages,recipients,bytes,amount_{}\r\n",
        statement.currency.to_lowercase()
    );
    for line in &statement.lines {
        let u = &line.usage;
        let fields = [
            statement.month.as_str(),
            &line.identity_arn,
            &line.owner_account,
            &u.messages.to_string(),
            &u.recipients.to_string(),
            &u.bytes.to_string(),
            &line.amount,
        ];
        push_row(&mut out, &fields);
    }
    let t = &statement.totals;
    let total = [
        statement.month.as_str(),
        "total",
        "",
        &t.messages.to_string(),
        &t.recipients.to_string(),
        &t.bytes.to_string(),
        &statement.amount,
    ];
    push_row(&mut out, &total);
    out
}
