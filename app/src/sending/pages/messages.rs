use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use crate::{
    components::loaded,
    sending::{list_messages, MessageCursor, MessageList, MESSAGES_PER_PAGE, MESSAGE_STATUSES},
};

/// `/messages`: what this account sent, newest first, a page at a time, optionally of one
/// status. The filter and the pages are links and a GET form: they work without
/// JavaScript and can be bookmarked.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let messages = Resource::new(
        move || (param("status"), param("before_at"), param("before_id")),
        |(status, at, id)| list_messages(status, at, id),
    );
    let status = move || param("status");
    view! {
        <h1>"Messages"</h1>
        <p class="muted">"Messages accepted from this account (through the API, SMTP or the console), newest first. Open one for its delivery attempts, events and source."</p>
        <form method="get" action="/messages" class="filters">
            <label>"Status "
                <select name="status">
                    <option value="" selected=move || status().is_empty()>"Any"</option>
                    {MESSAGE_STATUSES.into_iter().map(|s| view! {
                        <option value=s selected=move || status() == s>{s}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" class="secondary">"Filter"</button>
        </form>
        {loaded(messages, move |list: MessageList| {
            if list.messages.is_empty() {
                return view! { <p data-testid="no-messages">"No messages match."</p> }.into_any();
            }
            let older = list.older.map(|cursor| messages_href(&status(), Some(&cursor)));
            let paged = !param("before_at").is_empty();
            view! {
                <div class="table-wrap">
                    <table>
                        <thead><tr><th>"Subject"</th><th>"Status"</th><th>"Accepted"</th><th>"From"</th><th>"Recipients"</th><th>"Identity"</th></tr></thead>
                        <tbody>
                            {list.messages.into_iter().map(|m| view! {
                                <tr data-testid="message">
                                    // The subject is the row's link, first, so it is on screen however wide the rest.
                                    <td class="wrap subject">
                                        <A href=format!("/messages/{}", m.message_id)>
                                            <span data-testid="message-subject">{m.subject.unwrap_or_else(|| "(no subject)".to_owned())}</span>
                                        </A>
                                        <code class="message-id">{m.message_id.clone()}</code>
                                    </td>
                                    <td><span class=message_badge(&m.status) data-testid="message-status">{m.status.clone()}</span></td>
                                    <td>{m.created}</td>
                                    <td class="wrap">{m.from_address}</td>
                                    <td class="wrap"><ul class="recipients">{m.recipients.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul></td>
                                    <td class="wrap"><span title=m.from_arn.clone()>{identity_name(&m.from_arn).to_owned()}</span>{m.delegated.then_some(" (shared with you)")}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <nav class="pager" aria-label="Pages">
                    {paged.then(|| view! { <a href=messages_href(&status(), None)>"Newest"</a> })}
                    {older.map(|href| view! { <a href=href rel="next">{format!("Older {MESSAGES_PER_PAGE} →")}</a> })}
                </nav>
            }
            .into_any()
        })}
    }
}

/// The identity an ARN names (`…:identity/example.com`), to show; the whole ARN is its
/// tooltip.
fn identity_name(arn: &str) -> &str {
    arn.rsplit_once(":identity/").map_or(arn, |(_, name)| name)
}

/// A message status as a badge: delivered is good news, bounced and failed are not.
fn message_badge(status: &str) -> &'static str {
    match status {
        "Delivered" => "badge ok",
        "Bounced" | "Failed" => "badge danger",
        _ => "badge",
    }
}

/// The list's address for `status` (empty: any), from `cursor` (None: the newest).
fn messages_href(status: &str, cursor: Option<&MessageCursor>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if !status.is_empty() {
        query.append_pair("status", status);
    }
    if let Some(cursor) = cursor {
        query.append_pair("before_at", &cursor.at);
        query.append_pair("before_id", &cursor.message_id);
    }
    match query.finish() {
        query if query.is_empty() => "/messages".to_owned(),
        query => format!("/messages?{query}"),
    }
}
