use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use uuid::Uuid;

use super::{get_mailbox_message, links_in, list_mailbox};
use crate::components::LoadError;

/// `/mailbox`: what my account's sends, and Sesame's mail to my account, delivered here
/// (sink mode).
#[component]
pub fn MailboxPage() -> impl IntoView {
    let messages = Resource::new(|| (), |_| list_mailbox());
    view! {
        <h1>"Mailbox"</h1>
        <p class="muted">"Sesame's built-in mailbox (the sink delivery mode, where no mail leaves this machine): what your account's sends delivered, and Sesame's own mail to your account — verification links and notices — for admins. With another delivery mode, that mail goes out to its recipients instead."</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match messages.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>"No mail yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Received"</th><th>"To"</th><th>"From"</th><th>"Subject"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|m| {
                                        let href = format!("/mailbox/{}", m.mailbox_message_id);
                                        view! {
                                            <tr>
                                                <td>{m.received}</td>
                                                <td>{m.recipient}</td>
                                                <td>{m.sender}</td>
                                                <td><A href=href>{m.subject}</A></td>
                                            </tr>
                                        }
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

/// `/mailbox/:id`: one message, its links, and its raw source.
#[component]
pub fn MailboxMessagePage() -> impl IntoView {
    let params = use_params_map();
    let message = Resource::new(
        move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok()),
        |id| async move {
            match id {
                Some(id) => get_mailbox_message(id).await,
                None => Err(crate::error::AppError::not_found("Message")),
            }
        },
    );
    view! {
        <p><A href="/mailbox">"← Mailbox"</A></p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match message.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(m) => {
                        let text = m.text.unwrap_or_default();
                        let links: Vec<String> = links_in(&text).into_iter().map(str::to_owned).collect();
                        view! {
                            <h1>{m.entry.subject}</h1>
                            <dl class="facts">
                                <dt>"From"</dt><dd>{m.entry.sender}</dd>
                                <dt>"To"</dt><dd>{m.entry.recipient}</dd>
                                <dt>"Received"</dt><dd>{m.entry.received}</dd>
                            </dl>
                            <h2>"Headers"</h2>
                            <div class="table-wrap">
                                <table class="headers">
                                    <tbody>
                                        {m.headers.into_iter().map(|(name, value)| view! {
                                            <tr data-testid="header"><th scope="row">{name}</th><td><code>{value}</code></td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <h2>"Text"</h2>
                            <pre class="body" data-testid="body">{text}</pre>
                            <h2>"Links"</h2>
                            <ul>{links.into_iter().map(|l| { let href = l.clone(); view! { <li><a href=href rel="noreferrer">{l}</a></li> } }).collect_view()}</ul>
                            <h2>"Source"</h2>
                            <pre class="raw" data-testid="raw">{m.raw}</pre>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}
