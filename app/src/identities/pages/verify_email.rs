use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    components::LoadError,
    identities::{confirm_email_identity, VerificationStatus},
};

/// `/verify-email/:token`: the link in a verification mail. Opening it verifies the
/// address (as in SES), if the link is still valid.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let outcome = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        confirm_email_identity,
    );
    view! {
        <section class="narrow">
            <h1>"Email address verification"</h1>
            <Transition fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match outcome.await {
                        Ok(c) if c.status == VerificationStatus::Success => view! {
                            <p class="notice" data-testid="verified">"Verified: " <strong>{c.address}</strong> " can now be used as a sending identity."</p>
                        }.into_any(),
                        Ok(c) => view! {
                            <p class="form-error" data-testid="expired">"This link for " {c.address} " has expired. Ask for a new one on the identity's page."</p>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
