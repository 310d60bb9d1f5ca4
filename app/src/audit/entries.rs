//! The log as a table (the Activity page, the operator's view of an account) and an
//! identity's History card.

use leptos::prelude::*;
use uuid::Uuid;

use super::{identity_history, ActivityEntry, DiffLine, LineChange};
use crate::components::loaded;

/// Entries, newest first: when, what, to which identity, who, through what, from where;
/// a policy's change opens to its diff.
#[component]
pub fn ActivityTable(entries: Vec<ActivityEntry>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="activity">
                <thead><tr>
                    <th>"When"</th><th>"What"</th><th>"Identity"</th><th>"Who"</th>
                    <th>"Through"</th><th>"From"</th>
                </tr></thead>
                <tbody>
                    {entries.into_iter().map(|e| view! { <EntryRows entry=e/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn EntryRows(entry: ActivityEntry) -> impl IntoView {
    let diff = (!entry.diff.is_empty()).then(|| {
        view! {
            <tr class="diff-row">
                <td colspan="6">
                    <details>
                        <summary>"Changes to the document"</summary>
                        <Diff lines=entry.diff/>
                    </details>
                </td>
            </tr>
        }
    });
    let who = match (&entry.access_key_id, entry.claimed) {
        (Some(key), _) => format!("{} (key {key})", entry.actor),
        // Not signed in: someone who claimed to be them, or held a link mailed to them.
        (None, true) => format!("{} (claimed, not signed in)", entry.actor),
        (None, false) => entry.actor.clone(),
    };
    view! {
        <tr data-testid="activity-entry" data-kind=entry.kind.name()>
            <td class="nowrap">{entry.at}</td>
            <td class="wrap">
                <strong>{entry.kind.label()}</strong>
                {(!entry.subject.is_empty()).then(|| view! { " " <code>{entry.subject}</code> })}
            </td>
            <td class="wrap">{entry.identity.unwrap_or_default()}</td>
            <td class="wrap">{who}</td>
            <td>{entry.source}</td>
            <td class="wrap" title=entry.user_agent>{entry.client_address}</td>
        </tr>
        {diff}
    }
}

#[component]
fn Diff(lines: Vec<DiffLine>) -> impl IntoView {
    view! {
        <pre class="diff" data-testid="policy-diff">
            {lines.into_iter().map(|line| {
                let (class, mark) = match line.change {
                    LineChange::Removed => ("removed", "- "),
                    LineChange::Added => ("added", "+ "),
                    LineChange::Kept => ("kept", "  "),
                };
                view! { <span class=class>{mark}{line.text}"\n"</span> }
            }).collect_view()}
        </pre>
    }
}

/// An identity's latest changes and checks, on its page (administrators only: the log
/// names users and their addresses).
#[component]
pub fn IdentityHistory(identity_id: Uuid) -> impl IntoView {
    let history = Resource::new(move || identity_id, identity_history);
    view! {
        <section class="card" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <p class="muted">"Who changed this identity and its policies, and when; the whole log is on the Activity page."</p>
            {loaded(history, |entries: Vec<ActivityEntry>| match entries.is_empty() {
                true => view! { <p>"Nothing has been recorded for this identity yet."</p> }.into_any(),
                false => view! { <ActivityTable entries/> }.into_any(),
            })}
        </section>
    }
}
