use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use super::AuthState;
use crate::components::{field_error, Field, FormError};

/// `/sign-in`: account users sign in with email and password.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = AuthState::get().sign_in;
    // The page that sent the user here, to return to (checked by the server).
    let query = use_query_map();
    let next = query.read_untracked().get("next");
    let reset = move || query.read().get("reset").is_some();
    view! {
        <section class="narrow">
            <h1>"Sign in"</h1>
            <Show when=reset>
                <p class="notice" data-testid="password-reset">"Your password was changed and you were signed out everywhere. Sign in with the new one."</p>
            </Show>
            <ActionForm action=action>
                {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                <CredentialFields email=field_error(action, "email") password=field_error(action, "password")/>
                <FormError action=action/>
                <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="muted"><A href="/sign-in/forgot">"Forgot your password?"</A></p>
            <p class="muted">"No account yet? " <A href="/sign-up">"Create one"</A></p>
        </section>
    }
}

/// `/operator/sign-in`: the platform's operators sign in here.
#[component]
pub fn OperatorSignInPage() -> impl IntoView {
    let action = AuthState::get().operator_sign_in;
    view! {
        <section class="narrow">
            <h1>"Operator sign-in"</h1>
            <ActionForm action=action>
                <CredentialFields email=field_error(action, "email") password=field_error(action, "password")/>
                <FormError action=action/>
                <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
        </section>
    }
}

/// The email and password fields both sign-in forms share, with their errors.
#[component]
fn CredentialFields(
    email: Signal<Option<String>>,
    password: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Field label="Email" name="email" kind="email" autocomplete="username" error=email/>
        <Field label="Password" name="password" kind="password" autocomplete="current-password" error=password/>
    }
}
