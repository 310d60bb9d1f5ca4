use leptos::prelude::*;
use leptos_router::components::A;

use super::AuthState;
use crate::{
    auth::password_rules::{MAX_CHARS, MIN_CHARS},
    components::{field_error, Field, FormError},
};

/// `/sign-up`: creates an account and its admin user.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = AuthState::get().sign_up;
    view! {
        <section class="narrow">
            <h1>"Create an account"</h1>
            <p class="muted">"You become the account's admin. New accounts start in the sandbox: 200 recipients a day, 1 per second, only to verified addresses."</p>
            <ActionForm action=action>
                <Field label="Account name" name="account_name" autocomplete="organization" error=field_error(action, "account_name")/>
                <Field label="Email" name="email" kind="email" autocomplete="username" error=field_error(action, "email")/>
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint=const_format_hint()
                    error=field_error(action, "password")
                />
                <FormError action=action/>
                <button type="submit" disabled=move || action.pending().get()>"Create account"</button>
            </ActionForm>
            <p class="muted">"Already have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}

fn const_format_hint() -> &'static str {
    const _: () = assert!(MIN_CHARS == 8 && MAX_CHARS == 128, "update the hint below");
    "8 to 128 characters. Any characters; a long passphrase is best. Very common passwords are refused."
}
