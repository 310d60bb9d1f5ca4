use std::time::Duration;

use leptos::prelude::*;
use uuid::Uuid;

use super::{delegate_activity, DelegateSummary, RevokeDelegate, SetGrantCap};
use crate::{
    components::{loaded, reload_on_change, AccountRef, ConfirmSubmit, FormError, Saved},
    reputation::percent,
};

/// How often the Delegate activity tab asks whether anything new was sent.
const WATCH: Duration = Duration::from_secs(10);

/// The identity page's Delegate activity tab: per delegate account, its sends from this
/// identity and their outcomes, with Revoke and a daily cap.
#[component]
pub fn DelegateActivityTab(identity_id: Uuid) -> impl IntoView {
    let revoke = ServerAction::<RevokeDelegate>::new();
    let cap = ServerAction::<SetGrantCap>::new();
    // New sends show by themselves: the activity is asked for every 10 seconds and the
    // table redrawn only when it changed (so a cap being typed is kept meanwhile).
    let watched = RwSignal::new(None::<Vec<DelegateSummary>>);
    let sent = reload_on_change(WATCH, watched, move || async move {
        delegate_activity(identity_id).await.ok()
    });
    let activity = Resource::new(
        move || (revoke.version().get(), cap.version().get(), sent.get()),
        move |_| delegate_activity(identity_id),
    );
    view! {
        <section class="card">
            <h2>"Delegate activity"</h2>
            <p class="muted">"Accounts your policies allow to send as this identity, and what they sent. Revoke takes an account out of every policy of this identity; its next send is denied. A cap limits the recipients it may send from this identity per 24 hours."</p>
            <FormError action=revoke/>
            <FormError action=cap/>
            <Saved action=cap message="Daily cap saved."/>
            {loaded(activity, move |rows: Vec<DelegateSummary>| {
                watched.set(Some(rows.clone()));
                if rows.is_empty() {
                    return view! { <p>"No other account is allowed to send as this identity, and none has."</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th>"Delegate account"</th><th>"Messages"</th><th>"Recipients"</th><th>"Deliveries"</th>
                                <th>"Bounce rate"</th><th>"Complaint rate"</th><th>"Last send"</th><th>"Daily cap"</th><th><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! { <DelegateRow row=r identity_id revoke cap/> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn DelegateRow(
    row: DelegateSummary,
    identity_id: Uuid,
    revoke: ServerAction<RevokeDelegate>,
    cap: ServerAction<SetGrantCap>,
) -> impl IntoView {
    let account = row.delegate_account.clone();
    // Questions name the delegate as the owner knows it.
    let known_as = match &row.delegate_name {
        Some(name) => format!("{name} ({account})"),
        None => format!("account {account}"),
    };
    let revoke_form = row.granted.then(|| {
        let account = account.clone();
        view! {
            <ActionForm action=revoke>
                <input type="hidden" name="identity_id" value=identity_id.to_string()/>
                <input type="hidden" name="delegate_account" value=account.clone()/>
                <ConfirmSubmit label="Revoke"
                    question=format!("Stop {known_as} sending as this identity? It is taken out of every policy statement that names it, and its next send is refused.")
                    confirm=format!("Yes, revoke {account}")/>
            </ActionForm>
        }
    });
    let cap_label = format!("Daily cap for {account}");
    let cap_value = row.cap.map(|c| c.to_string()).unwrap_or_default();
    let cap_account = account.clone();
    let cap_form = view! {
        <ActionForm action=cap>
            <input type="hidden" name="identity_id" value=identity_id.to_string()/>
            <input type="hidden" name="delegate_account" value=cap_account/>
            <input type="number" min="1" step="1" name="max_24_hour_send" aria-label=cap_label
                value=cap_value placeholder="none"/>
            <button type="submit" class="secondary">"Set cap"</button>
        </ActionForm>
    };
    view! {
        <tr data-testid="delegate-activity" data-account=account.clone()>
            <td><AccountRef id=account.clone() name=row.delegate_name/>{(!row.granted).then(|| view! { <span class="badge">" not granted"</span> })}</td>
            <td>{row.messages}</td>
            <td>{row.recipients}</td>
            <td>{row.deliveries}</td>
            <td>{percent(row.rates.bounce_rate())}</td>
            <td>{percent(row.rates.complaint_rate())}</td>
            <td>{row.last_sent.unwrap_or_else(|| "—".to_owned())}</td>
            <td>
                {cap_form}
            </td>
            <td class="actions">
                {revoke_form}
            </td>
        </tr>
    }
}
