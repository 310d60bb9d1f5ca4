use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::{inspect_email_change, ConfirmEmailChange};
use crate::{
    components::{FormError, LoadError},
    error::AppError,
};

/// `/confirm-email/:token`: the link mailed to a new sign-in address. Opening it changes
/// nothing (mail scanners open links); its button does.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, inspect_email_change);
    let confirm = ServerAction::<ConfirmEmailChange>::new();
    view! {
        <section class="narrow">
            <h1>"Confirm your new sign-in address"</h1>
            {move || match confirm.value().get() {
                Some(Ok(email)) => view! {
                    <p class="notice" data-testid="email-changed">"Done: you sign in with "<strong>{email}</strong>" from now on."</p>
                    <p><a href="/account/security" rel="external">"Back to Security"</a></p>
                }.into_any(),
                _ => view! {
                    <Transition fallback=|| view! { <p>"Checking the link…"</p> }>
                        {move || Suspend::new(async move {
                            match link.await {
                                Ok(email) => view! {
                                    <p>"Sign in to Sesame with "<strong>{email}</strong>" from now on? The old address will no longer sign in."</p>
                                    <ActionForm action=confirm>
                                        <input type="hidden" name="token" value=token()/>
                                        <FormError action=confirm/>
                                        <button type="submit" disabled=move || confirm.pending().get()>"Confirm address"</button>
                                    </ActionForm>
                                }.into_any(),
                                Err(AppError::NotFound { .. }) => view! {
                                    <p class="form-error" data-testid="expired">
                                        "This link has expired, was replaced by a newer one or was already used. "
                                        <A href="/account/security">"Ask again"</A>" on the Security page."
                                    </p>
                                }.into_any(),
                                Err(e) => view! { <LoadError error=e/> }.into_any(),
                            }
                        })}
                    </Transition>
                }.into_any(),
            }}
        </section>
    }
}
