use leptos::prelude::*;

use super::{get_account_overview, RegionLimits};
use crate::{
    auth::{AuthState, Principal},
    components::LoadError,
};

/// `/account`: the account's id, name and sending limits per region, and who I am in it.
#[component]
pub fn AccountPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_account_overview());
    let auth = AuthState::get();
    let me = move || match auth.principal.get() {
        Some(Ok(Some(Principal::User(user)))) => Some(user),
        _ => None,
    };
    view! {
        <h1>"Account settings"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(o) => view! {
                        <section class="card">
                            <dl class="facts">
                                <dt>"Account id"</dt><dd data-testid="account-id">{o.account_id.to_string()}</dd>
                                <dt>"Name"</dt><dd>{o.name}</dd>
                                <dt>"Users"</dt><dd>{o.users}</dd>
                                {move || me().map(|u| view! {
                                    <dt>"You"</dt><dd><code>{u.arn()}</code>" ("{u.role.to_string()}")"</dd>
                                })}
                            </dl>
                        </section>
                        <h2>"Sending quota"</h2>
                        <p class="muted">"Quotas count recipients. In the sandbox, mail goes only to your verified identities and the mailbox simulator."</p>
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Region"</th><th>"Status"</th><th>"Sent, last 24 hours"</th><th>"Max 24-hour send"</th><th>"Max send rate"</th></tr></thead>
                                <tbody>
                                    {o.regions.into_iter().map(|r| view! { <QuotaRow limits=r/> }).collect_view()}
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
fn QuotaRow(limits: RegionLimits) -> impl IntoView {
    let status = match (limits.sandbox, limits.production_access_requested) {
        (false, _) => view! { "Production" }.into_any(),
        (true, true) => view! { "Sandbox — production access requested" }.into_any(),
        (true, false) => {
            view! { "Sandbox " <a href="/quota">"Request production access"</a> }.into_any()
        }
    };
    view! {
        <tr data-testid=format!("quota-{}", limits.region)>
            <td>{limits.region.clone()}</td>
            <td>{status}</td>
            <td>{limits.sent_last_24_hours}</td>
            <td>{limits.max_24_hour_send}" recipients"</td>
            <td>{limits.max_send_rate}" per second"</td>
        </tr>
    }
}
