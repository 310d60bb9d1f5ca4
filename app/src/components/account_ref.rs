//! Another account as the console names it: its display name where the viewer may know
//! it, and always its 12-digit id with a button to copy it (the id is what policies name).

use leptos::prelude::*;

use super::CopyButton;

/// `name` (when known) and `id`, copyable.
#[component]
pub fn AccountRef(id: String, name: Option<String>) -> impl IntoView {
    let what = format!("account id {id}");
    view! {
        <span class="account-ref" data-testid="account-ref" data-account=id.clone()>
            {name.map(|n| view! { <strong>{n}</strong>" " })}
            <code>{id.clone()}</code>
            <CopyButton what text=id.clone()/>
        </span>
    }
}
