use leptos::prelude::*;

use super::get_account_overview;
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
        <h1>"Account"</h1>
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
                        <h2>"Sending limits"</h2>
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Region"</th><th>"Status"</th><th>"Max 24-hour send"</th><th>"Max send rate"</th></tr></thead>
                                <tbody>
                                    {o.regions.into_iter().map(|r| view! {
                                        <tr>
                                            <td>{r.region}</td>
                                            <td>{if r.sandbox { "Sandbox" } else { "Production" }}</td>
                                            <td>{r.max_24_hour_send}" recipients"</td>
                                            <td>{r.max_send_rate}" per second"</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
