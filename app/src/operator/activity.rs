use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    audit::{ActivityLog, Log},
    ids::AccountId,
};

/// `/operator/accounts/:account/activity`: one account's audit log, as its administrators
/// see it on their Activity page.
#[component]
pub fn AccountActivityPage() -> impl IntoView {
    let params = use_params_map();
    let account = move || params.read().get("account").unwrap_or_default();
    view! {
        <p><a href="/operator">"← Operator console"</a></p>
        {move || match AccountId::parse(&account()) {
            Err(message) => view! { <p class="error">{message}</p> }.into_any(),
            Ok(id) => view! {
                <h1>"Activity of account " <code>{id.to_string()}</code></h1>
                <ActivityLog base=format!("/operator/accounts/{id}/activity") of=Some(Log::Account(id))/>
            }.into_any(),
        }}
    }
}

/// `/operator/activity`: the platform's own log — operators' sign-ins (and failed ones) and
/// their sign-in security.
#[component]
pub fn PlatformActivityPage() -> impl IntoView {
    view! {
        <p><a href="/operator">"← Operator console"</a></p>
        <h1>"Operator activity"</h1>
        <p class="muted">"Operators' sign-ins and two-factor changes. What an operator does to an account is in that account's activity."</p>
        <ActivityLog base="/operator/activity".to_owned() of=Some(Log::Platform)/>
    }
}
