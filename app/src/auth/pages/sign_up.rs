use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use super::AuthState;
use crate::components::{field_error, Field, FormError};

/// `/sign-up`: asks for an account and its admin user; the address is mailed a link to
/// finish (`/sign-up/confirm/:token`).
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = AuthState::get().sign_up;
    let query = use_query_map();
    let mailed = move || query.read().get("mailed").is_some();
    view! {
        <section class="narrow">
            <h1>"Create an account"</h1>
            <Show when=mailed>
                <p class="notice" data-testid="sign-up-mailed">
                    "Check your inbox: we sent a link to the address you gave, to finish creating your account. It works for 24 hours."
                </p>
            </Show>
            <p class="muted">"You become the account's admin. New accounts start in the sandbox: 200 recipients a day, 1 per second, only to verified addresses."</p>
            <ActionForm action=action>
                <Field label="Account name" name="account_name" autocomplete="organization" error=field_error(action, "account_name")/>
                <Field label="Email" name="email" kind="email" autocomplete="username" hint="We mail it a link; you choose your password there." error=field_error(action, "email")/>
                <FormError action=action/>
                <button type="submit" disabled=move || action.pending().get()>"Create account"</button>
            </ActionForm>
            <p class="muted">"Already have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}
