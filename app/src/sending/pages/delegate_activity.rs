use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    components::loaded,
    sending::{delegate_activity, DelegateSummary},
};

/// The identity page's Delegate activity tab: what each delegate account sends as this
/// identity. Revoking a grant is a policy change on the Authorization tab.
#[component]
pub fn DelegateActivityTab(identity_id: Uuid) -> impl IntoView {
    let activity = Resource::new(move || identity_id, delegate_activity);
    view! {
        <section class="card">
            <h2>"Delegate activity"</h2>
            <p class="muted">"Sends by other accounts that used this identity. To stop a delegate, delete or narrow its grant on the Authorization tab; its next send is denied."</p>
            {loaded(activity, |rows: Vec<DelegateSummary>| {
                if rows.is_empty() {
                    return view! { <p>"No delegate has sent as this identity."</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr><th>"Delegate account"</th><th>"Messages"</th><th>"Recipients"</th><th>"Bounced"</th><th>"Last send"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr data-testid="delegate-activity">
                                        <td><code>{r.delegate_account}</code></td>
                                        <td>{r.messages}</td>
                                        <td>{r.recipients}</td>
                                        <td>{r.bounced}</td>
                                        <td>{r.last_sent}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}
