use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::AuthState;
use crate::{
    auth::inspect_sign_up,
    components::{field_error, Field, FormError, LoadError, NewPasswordField},
};

/// `/sign-up/confirm/:token`: the link in a sign-up mail. Opening it shows the account to
/// be created; with its name (changeable) and the admin's password, confirming (a POST)
/// creates it and signs its admin in. A mail scanner that fetches the link creates nothing.
#[component]
pub fn ConfirmSignUpPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let pending = Resource::new(token, inspect_sign_up);
    let confirm = AuthState::get().confirm_sign_up;
    view! {
        <section class="narrow">
            <h1>"Finish creating your account"</h1>
            <Transition fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(found) => view! {
                            <p>"Create a Sesame account with " <strong>{found.email.clone()}</strong>
                               " as its admin. Choose the password you will sign in with."</p>
                            <ActionForm action=confirm>
                                <input type="hidden" name="token" value=token()/>
                                <Field label="Account name" name="account_name" value=found.account_name.clone() autocomplete="organization" error=field_error(confirm, "account_name")/>
                                <NewPasswordField error=field_error(confirm, "password")/>
                                <FormError action=confirm/>
                                <button type="submit" disabled=move || confirm.pending().get()>"Create account"</button>
                            </ActionForm>
                        }.into_any(),
                        Err(crate::error::AppError::NotFound { .. }) => view! {
                            <p class="form-error" data-testid="expired">
                                "This link has expired or was already used. "
                                <A href="/sign-up">"Sign up again"</A> " or " <A href="/sign-in">"sign in"</A> "."
                            </p>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
