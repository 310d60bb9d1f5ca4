use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    components::{FormError, LoadError},
    identities::{inspect_email_link, ConfirmEmailIdentity, EmailConfirmation, VerificationStatus},
};

/// `/verify-email/:token`: the link in a verification mail. Opening it shows the address
/// and a Confirm button; confirming (a POST) verifies the address, if the link is still
/// valid. A mail scanner that fetches the link verifies nothing.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, inspect_email_link);
    let confirm = ServerAction::<ConfirmEmailIdentity>::new();
    view! {
        <section class="narrow">
            <h1>"Email address verification"</h1>
            <Transition fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(found) => view! { <LinkState found confirm token=token()/> }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LinkState(
    found: EmailConfirmation,
    confirm: ServerAction<ConfirmEmailIdentity>,
    token: String,
) -> impl IntoView {
    let address = found.address.clone();
    move || {
        let (address, token) = (address.clone(), token.clone());
        let status = match confirm.value().get() {
            Some(Ok(confirmed)) => confirmed.status,
            _ => found.status,
        };
        match status {
            VerificationStatus::Success => view! {
                <p class="notice" data-testid="verified">"Verified: " <strong>{address.clone()}</strong> " can now be used as a sending identity."</p>
            }.into_any(),
            VerificationStatus::Pending => view! {
                <p>"Someone asked to use " <strong>{address.clone()}</strong> " as a sending identity in Sesame. Confirm only if you asked for this."</p>
                <ActionForm action=confirm>
                    <input type="hidden" name="token" value=token/>
                    <button type="submit">{format!("Confirm {address}")}</button>
                </ActionForm>
                <FormError action=confirm/>
            }.into_any(),
            _ => view! {
                <p class="form-error" data-testid="expired">"This link for " {address.clone()} " has expired. Ask for a new one on the identity's page."</p>
            }.into_any(),
        }
    }
}
