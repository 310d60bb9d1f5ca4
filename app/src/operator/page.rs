use leptos::prelude::*;

use std::time::Duration;

use super::{
    delivery_status, list_accounts, requests::AccessRequests, AccountSummary,
    DeclineProductionAccess, DeliveryOverview, GrantProductionAccess, SetAccountDisabled,
};
use crate::{
    components::{every, loaded, FormError, LoadError},
    reputation::{ReviewQueue, SetEnforcementStatus},
};

/// `/operator`: every account on the platform. The accounts table and the delivery
/// figures follow every decision taken here and refresh every 10 seconds; the request and
/// review cards (which hold forms being filled in) change only with a decision.
#[component]
pub fn OperatorConsolePage() -> impl IntoView {
    let set_disabled = ServerAction::<SetAccountDisabled>::new();
    let grant = ServerAction::<GrantProductionAccess>::new();
    let decline = ServerAction::<DeclineProductionAccess>::new();
    let decide = ServerAction::<SetEnforcementStatus>::new();
    let tick = every(Duration::from_secs(10));
    let accounts = Resource::new(
        move || {
            (
                tick.get(),
                set_disabled.version().get(),
                grant.version().get(),
                decline.version().get(),
                decide.version().get(),
            )
        },
        |_| list_accounts(),
    );
    let delivery = Resource::new(move || tick.get(), |_| delivery_status());
    view! {
        <h1>"Operator console"</h1>
        <h2>"Delivery"</h2>
        {loaded(delivery, |d: DeliveryOverview| view! {
            <dl class="facts">
                <dt>"Mode"</dt><dd data-testid="delivery-mode">{d.mode}</dd>
                <dt>"Queued recipients"</dt><dd>{d.queued_recipients}</dd>
                <dt>"Oldest queued message"</dt><dd>{d.oldest_queued.unwrap_or_else(|| "—".to_owned())}</dd>
            </dl>
        })}
        <AccessRequests grant decline/>
        <ReviewQueue decide/>
        <h2>"Accounts"</h2>
        <FormError action=set_disabled/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(accounts) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th>"Account id"</th><th>"Name"</th><th>"Users"</th><th>"Created"</th>
                                    <th>"Sandbox in"</th><th>"Status"</th><th><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {accounts.into_iter().map(|a| view! { <AccountRow account=a set_disabled/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountRow(
    account: AccountSummary,
    set_disabled: ServerAction<SetAccountDisabled>,
) -> impl IntoView {
    let (label, value) = if account.disabled {
        ("Enable", "false")
    } else {
        ("Disable", "true")
    };
    view! {
        <tr>
            <td><a href=format!("/operator/accounts/{}/activity", account.account_id)><code>{account.account_id.to_string()}</code></a></td>
            <td>{account.name}</td>
            <td>{account.users}</td>
            <td>{account.created}</td>
            <td>{if account.sandbox_regions.is_empty() { "—".to_owned() } else { account.sandbox_regions.join(", ") }}</td>
            <td>{if account.disabled { "Disabled" } else { "Active" }}</td>
            <td class="actions">
                <ActionForm action=set_disabled>
                    <input type="hidden" name="account_id" value=account.account_id.to_string()/>
                    <input type="hidden" name="disabled" value=value/>
                    <button type="submit" class=if account.disabled { "secondary" } else { "danger" }>{label}</button>
                </ActionForm>
            </td>
        </tr>
    }
}
