//! Writing CSV downloads (RFC 4180), safe to open in a spreadsheet: a field that would
//! start a formula (`=`, `+`, `-`, `@`, a tab or a return) is written with a leading `'`,
//! since some fields hold text strangers wrote (user agents, names).

/// Appends one row of `fields`, quoted as needed, ending in CRLF.
pub fn push_row(out: &mut String, fields: &[&str]) {
    let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

fn quote(field: &str) -> String {
    let field = match field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{field}"),
        false => field.to_owned(),
    };
    // `;` too: spreadsheets set to it as the list separator would split the field there.
    if field.contains([',', ';', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
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

    #[test]
    fn a_field_that_would_start_a_formula_does_not() {
        assert_eq!(quote("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(quote("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(quote("-1+2"), "'-1+2");
        assert_eq!(quote("1.50"), "1.50");
        assert_eq!(quote("Mozilla;=cmd"), "\"Mozilla;=cmd\"");
    }
}
