//! The Access keys page's pieces for a key's scope: the fields that limit a new key, and
//! a key's limits in words.

use leptos::prelude::*;

use super::{scope::KeyScope, AccessKey, CreateAccessKey};
use crate::components::{field_error, Field};

/// "Limit this key", folded: every field may stay empty (no limit).
#[component]
pub(super) fn ScopeFields(create: ServerAction<CreateAccessKey>) -> impl IntoView {
    view! {
        <details class="scope">
            <summary>"Limit this key (optional)"</summary>
            <p class="muted">"A key for one program needs only what that program does: limits are checked on every API request and SMTP message, on top of your role. Separate entries with commas or spaces."</p>
            <Field label="Allowed source addresses" name="sources" optional=true
                hint="IP addresses or CIDR blocks, such as 203.0.113.7 or 198.51.100.0/24. Empty: from anywhere."
                error=field_error(create, "sources")/>
            <Field label="Allowed actions" name="actions" optional=true
                hint="SES action names, * matching any letters: SendEmail, SendRawEmail, Send*. SMTP counts as SendRawEmail. Empty: every action your role allows."
                error=field_error(create, "actions")/>
            <Field label="Allowed identities" name="identities" optional=true
                hint="Identities the key may send as, by name (example.com, news@example.com) or ARN (for one shared with you). Empty: any."
                error=field_error(create, "identities")/>
            <Field label="Expires after (days)" name="expires_in_days" kind="number" optional=true
                hint="From 1 to 3650. Empty: the key does not expire."
                error=field_error(create, "expires_in_days")/>
        </details>
    }
}

/// A key's limits and expiry, for its row.
#[component]
pub(super) fn ScopeSummary(key: AccessKey) -> impl IntoView {
    let KeyScope {
        sources,
        actions,
        identities,
    } = key.scope.clone();
    let limits: Vec<(&'static str, String)> = [
        ("From", sources),
        ("Actions", actions),
        ("Identities", identities),
    ]
    .into_iter()
    .filter(|(_, list)| !list.is_empty())
    .map(|(what, list)| (what, list.join(", ")))
    .collect();
    let expiry = match (&key.expires, key.expired) {
        (Some(at), true) => Some(format!("Expired {at}")),
        (Some(at), false) => Some(format!("Expires {at}")),
        (None, _) => None,
    };
    view! {
        <ul class="scope-summary" data-testid="key-scope">
            {key.scope.is_unlimited().then(|| view! { <li class="muted">"No limits"</li> })}
            {limits.into_iter().map(|(what, list)| view! { <li>{what} ": " {list}</li> }).collect_view()}
            {expiry.map(|e| view! { <li>{e}</li> })}
        </ul>
    }
}
