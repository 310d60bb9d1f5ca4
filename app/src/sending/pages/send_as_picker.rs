use leptos::prelude::*;

use crate::sending::SendAs;

/// "Send as": which of the identities the viewer may send as (own or shared) the
/// examples beside it are written for. Sets `picked` to the index chosen; shows nothing
/// when there is nothing to choose from (the examples then use a placeholder address).
#[component]
pub fn SendAsPicker(
    id: &'static str,
    identities: Vec<SendAs>,
    picked: WriteSignal<usize>,
) -> impl IntoView {
    (!identities.is_empty()).then(|| {
        view! {
            <div class="field">
                <label for=id>"Send as"</label>
                <select id=id on:change=move |e| picked.set(event_target_value(&e).parse().unwrap_or(0))>
                    {identities.iter().enumerate().map(|(i, c)| view! { <option value=i.to_string()>{c.label()}</option> }).collect_view()}
                </select>
            </div>
        }
    })
}
