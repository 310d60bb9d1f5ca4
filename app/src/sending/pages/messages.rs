use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    components::loaded,
    sending::{list_messages, MessageSummary},
};

/// `/messages`: what this account sent, newest first.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| list_messages());
    view! {
        <h1>"Messages"</h1>
        <p class="muted">"Messages accepted from this account (through the API or the console), newest first. Open one for its delivery attempts, events and source."</p>
        {loaded(messages, |messages: Vec<MessageSummary>| {
            if messages.is_empty() {
                return view! { <p>"No messages yet."</p> }.into_any();
            }
            view! {
                <div class="table-wrap">
                    <table>
                        <thead><tr><th>"Accepted"</th><th>"From"</th><th>"Recipients"</th><th>"Status"</th><th>"Identity"</th><th>"MessageId"</th></tr></thead>
                        <tbody>
                            {messages.into_iter().map(|m| view! {
                                <tr data-testid="message">
                                    <td>{m.created}</td>
                                    <td>{m.from_address}</td>
                                    <td><ul class="recipients">{m.recipients.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul></td>
                                    <td>{m.status}</td>
                                    <td><code>{m.from_arn}</code>{m.delegated.then_some(" (shared with you)")}</td>
                                    <td><A href=format!("/messages/{}", m.message_id)><code>{m.message_id.clone()}</code></A></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        })}
    }
}
