use leptos::prelude::*;

use crate::identities::VerificationStatus;

/// An identity's verification status, as every page draws it.
#[component]
pub fn StatusBadge(status: VerificationStatus) -> impl IntoView {
    let status = status.as_str();
    view! { <span class=format!("status status-{status}") data-testid="status">{status}</span> }
}
