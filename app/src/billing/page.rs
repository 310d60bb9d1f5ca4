use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{billing_statement, Statement};
use crate::components::loaded;

/// `/billing`: a month's statement — usage per identity and what it costs — with a CSV
/// download. `?month=YYYY-MM` picks the month.
#[component]
pub fn BillingPage() -> impl IntoView {
    let query = use_query_map();
    let statement = Resource::new(
        move || query.with(|q| q.get("month").unwrap_or_default()),
        billing_statement,
    );
    view! {
        <h1>"Billing"</h1>
        <p class="muted">"You pay for what your account sends, from your identities and from identities other accounts granted you. Refused sends cost nothing; mailbox simulator sends are billed."</p>
        {loaded(statement, |s: Statement| view! { <StatementView statement=s/> })}
    }
}

#[component]
fn StatementView(statement: Statement) -> impl IntoView {
    let file = format!(
        "sesame-statement-{}-{}.csv",
        statement.account_id, statement.month
    );
    let mut months = statement.months.clone();
    if !months.contains(&statement.month) {
        months.insert(0, statement.month.clone());
    }
    let current = statement.month.clone();
    let t = statement.totals;
    view! {
        <form method="get" class="inline">
            <label for="month">"Month"</label>
            <select id="month" name="month">
                {months.into_iter().map(|m| {
                    let selected = m == current;
                    view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        <section class="card">
            <h2>"Statement for "{statement.month.clone()}</h2>
            <p class="muted">{format!("Prices: {} {} per 1,000 recipients, {} {} per GB (10⁹ bytes) of messages, attachments included.",
                statement.per_thousand_recipients, statement.currency, statement.per_gb, statement.currency)}</p>
            <div class="table-wrap"><table>
                <thead><tr><th>"Identity"</th><th>"Owner account"</th><th>"Messages"</th><th>"Recipients"</th><th>"Bytes"</th><th>{format!("Amount ({})", statement.currency)}</th></tr></thead>
                <tbody>
                    {statement.lines.into_iter().map(|l| view! {
                        <tr data-testid="statement-line">
                            <td><code>{l.identity_arn}</code></td>
                            <td><code>{l.owner_account}</code></td>
                            <td>{l.usage.messages}</td>
                            <td>{l.usage.recipients}</td>
                            <td>{l.usage.bytes}</td>
                            <td title=l.amount>{l.amount_shown}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot><tr data-testid="statement-total">
                    <th colspan="2">"Total"</th>
                    <td>{t.messages}</td><td>{t.recipients}</td><td>{t.bytes}</td>
                    <td data-testid="statement-amount" title=statement.amount.clone()>{statement.amount_shown.clone()}</td>
                </tr></tfoot>
            </table></div>
            <p><a class="button secondary" href=statement.csv_href download=file>"Download CSV"</a></p>
        </section>
    }
}
