use leptos::prelude::*;

use crate::security::{RequiredOf, TwoFactorCard, TwoFactorRequirement};

/// `/operator/security`: the operator's own two-factor sign-in, and whether the platform
/// requires it of every operator.
#[component]
pub fn OperatorSecurityPage() -> impl IntoView {
    view! {
        <h1>"Security"</h1>
        <p class="muted">"An operator can disable any account and read every account's log: a stolen operator password should not be enough to sign in."</p>
        <TwoFactorCard/>
        <TwoFactorRequirement of=RequiredOf::Operators/>
    }
}
