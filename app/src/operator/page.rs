use leptos::prelude::*;

use super::{
    delivery_status, list_accounts, AccountSummary, DeliveryOverview, GrantProductionAccess,
    SetAccountDisabled,
};
use crate::components::{loaded, FormError, LoadError};

/// `/operator`: every account on the platform.
#[component]
pub fn OperatorConsolePage() -> impl IntoView {
    let set_disabled = ServerAction::<SetAccountDisabled>::new();
    let grant = ServerAction::<GrantProductionAccess>::new();
    let accounts = Resource::new(
        move || (set_disabled.version().get(), grant.version().get()),
        |_| list_accounts(),
    );
    let delivery = Resource::new(|| (), |_| delivery_status());
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
        <h2>"Accounts"</h2>
        <FormError action=set_disabled/>
        <FormError action=grant/>
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
                                    {accounts.into_iter().map(|a| view! { <AccountRow account=a set_disabled grant/> }).collect_view()}
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
    grant: ServerAction<GrantProductionAccess>,
) -> impl IntoView {
    let id = account.account_id.to_string();
    let requests = account
        .production_access_requests
        .clone()
        .into_iter()
        .map(|region| {
            let id = id.clone();
            view! {
                <ActionForm action=grant>
                    <input type="hidden" name="account_id" value=id/>
                    <input type="hidden" name="region" value=region.clone()/>
                    <button type="submit" class="secondary">"Grant production access in " {region}</button>
                </ActionForm>
            }
        })
        .collect_view();
    let (label, value) = if account.disabled {
        ("Enable", "false")
    } else {
        ("Disable", "true")
    };
    view! {
        <tr>
            <td><code>{account.account_id.to_string()}</code></td>
            <td>{account.name}</td>
            <td>{account.users}</td>
            <td>{account.created}</td>
            <td>{if account.sandbox_regions.is_empty() { "—".to_owned() } else { account.sandbox_regions.join(", ") }}</td>
            <td>{if account.disabled { "Disabled" } else { "Active" }}</td>
            <td class="actions">
                {requests}
                <ActionForm action=set_disabled>
                    <input type="hidden" name="account_id" value=account.account_id.to_string()/>
                    <input type="hidden" name="disabled" value=value/>
                    <button type="submit" class=if account.disabled { "secondary" } else { "danger" }>{label}</button>
                </ActionForm>
            </td>
        </tr>
    }
}
