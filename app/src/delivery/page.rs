use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::{get_message, MessageDetail};
use crate::components::loaded;

/// `/messages/:id`: per-recipient outcomes, every delivery attempt, the events timeline and
/// the source.
#[component]
pub fn MessageDetailPage() -> impl IntoView {
    let params = use_params_map();
    let message = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_message,
    );
    view! {
        <p><A href="/messages">"← Messages"</A></p>
        {loaded(message, |m: MessageDetail| view! {
            <h1>"Message " <code>{m.message_id}</code></h1>
            <dl class="facts">
                <dt>"Status"</dt><dd data-testid="message-status">{m.status}</dd>
                <dt>"Accepted"</dt><dd>{m.accepted}</dd>
                <dt>"Region"</dt><dd>{m.region}</dd>
                <dt>"From"</dt><dd>{m.from_address}</dd>
                <dt>"Envelope sender"</dt><dd>{m.envelope_from}</dd>
                <dt>"Identity"</dt><dd><code>{m.from_arn}</code></dd>
            </dl>
            <h2>"Recipients"</h2>
            <div class="table-wrap">
                <table>
                    <thead><tr><th>"Recipient"</th><th>"Outcome"</th><th>"Attempts"</th><th>"Last server"</th><th>"Last reply"</th></tr></thead>
                    <tbody>
                        {m.recipients.into_iter().map(|r| view! {
                            <tr data-testid="recipient">
                                <td>{r.address}</td>
                                <td>{r.status}{r.bounce_type.map(|t| format!(" ({t})"))}</td>
                                <td>{r.attempts}</td>
                                <td>{r.remote_host}</td>
                                <td><code>{r.last_reply}</code></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h2>"Delivery attempts"</h2>
            {if m.attempts.is_empty() {
                view! { <p class="muted">"Not attempted yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr><th>"Time"</th><th>"Recipient"</th><th>"Server"</th><th>"Reply"</th><th>"Outcome"</th></tr></thead>
                            <tbody>
                                {m.attempts.into_iter().map(|a| view! {
                                    <tr data-testid="attempt">
                                        <td>{a.at}</td>
                                        <td>{a.recipient}</td>
                                        <td>{a.remote_host}</td>
                                        <td><code>{a.reply}</code></td>
                                        <td>{a.outcome}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <h2>"Events"</h2>
            <ol class="timeline">
                {m.events.into_iter().map(|e| view! {
                    <li data-testid="event">
                        <time>{e.at}</time> " " <strong>{e.event_type}</strong>
                        {e.recipient.map(|r| format!(" — {r}"))}
                        <div class="muted">{e.detail}</div>
                    </li>
                }).collect_view()}
            </ol>
            <h2>"Source"</h2>
            <pre class="raw" data-testid="raw">{m.raw}</pre>
        })}
    }
}
