//! A statement as CSV: one row per identity, then the total (RFC 4180 quoting).

use super::Statement;

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

fn push_row(out: &mut String, fields: &[&str]) {
    let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
