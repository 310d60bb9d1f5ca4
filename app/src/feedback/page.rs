use leptos::prelude::*;

use super::{list_suppressed, AddSuppressed, RemoveSuppressed, SuppressedDestination};
use crate::components::{field_error, ConfirmSubmit, FormError, LoadError};

/// `/suppression`: the addresses this account no longer sends to — why, since when and
/// because of which message — with search, adding and removing.
#[component]
pub fn SuppressionListPage() -> impl IntoView {
    let add = ServerAction::<AddSuppressed>::new();
    let remove = ServerAction::<RemoveSuppressed>::new();
    let (search, set_search) = signal(String::new());
    let (reason, set_reason) = signal(String::new());
    let entries = Resource::new(
        move || {
            (
                search.get(),
                reason.get(),
                add.version().get(),
                remove.version().get(),
            )
        },
        |(search, reason, ..)| list_suppressed(search, reason),
    );
    view! {
        <h1>"Suppression list"</h1>
        <p class="muted">"Sesame does not send to these addresses: a send to one bounces at once (Permanent, OnAccountSuppressionList) without reaching anyone. Permanent bounces for a bad address and complaints add addresses here; bounces caused by blocklists, reputation or network trouble never do."</p>
        <div class="filters">
            <label>"Search " <input type="search" placeholder="address or domain" on:input=move |e| set_search.set(event_target_value(&e))/></label>
            <label>"Reason " <select on:change=move |e| set_reason.set(event_target_value(&e))>
                <option value="">"All"</option>
                <option value="BOUNCE">"Bounce"</option>
                <option value="COMPLAINT">"Complaint"</option>
            </select></label>
        </div>
        <FormError action=remove/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p data-testid="suppression-empty">"No suppressed addresses match."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Address"</th><th>"Reason"</th><th>"Since"</th><th>"Message"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|entry| view! { <Entry entry remove/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Suppress an address"</h2>
            <ActionForm action=add>
                <div class="field">
                    <label for="field-email_address">"Email address"</label>
                    <input id="field-email_address" name="email_address" type="email" required/>
                    <p class="field-error">{move || field_error(add, "email_address").get()}</p>
                </div>
                <div class="field">
                    <label for="field-reason">"Reason"</label>
                    <select id="field-reason" name="reason">
                        <option value="BOUNCE">"Bounce"</option>
                        <option value="COMPLAINT">"Complaint"</option>
                    </select>
                </div>
                <FormError action=add/>
                <button type="submit" disabled=move || add.pending().get()>"Suppress"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Entry(entry: SuppressedDestination, remove: ServerAction<RemoveSuppressed>) -> impl IntoView {
    let address = entry.email_address.clone();
    view! {
        <tr data-testid="suppressed">
            <td>{entry.email_address}</td>
            <td>{entry.reason}</td>
            <td>{entry.last_update}</td>
            <td>{entry.message_id.map(|id| view! { <a href=format!("/messages/{id}")><code>{id.clone()}</code></a> })}</td>
            <td class="actions">
                <ActionForm action=remove>
                    <input type="hidden" name="email_address" value=address.clone()/>
                    <ConfirmSubmit label="Remove"
                        question=format!("Take {address} off the suppression list? Mail to it will be attempted again; if it still bounces, it comes back.")
                        confirm=format!("Yes, remove {address}")/>
                </ActionForm>
            </td>
        </tr>
    }
}
