use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_params_map, use_query_map},
};

use crate::{
    auth::{inspect_password_reset, ForgotPassword, ResetPassword},
    components::{field_error, Field, FormError, LoadError, NewPasswordField},
    error::AppError,
};

/// `/sign-in/forgot`: asks for the address to mail a reset link to; the answer is the
/// same whatever the address (a plain form POST too).
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let query = use_query_map();
    let mailed = move || query.read().get("mailed").is_some();
    view! {
        <section class="narrow">
            <h1>"Reset your password"</h1>
            <Show when=mailed>
                <p class="notice" data-testid="reset-mailed">
                    "Check your inbox: we mailed the address you gave. If a Sesame user signs in with it, the mail has a link to choose a new password; it works for an hour."
                </p>
            </Show>
            <ActionForm action=action>
                <Field label="Email" name="email" kind="email" autocomplete="username" error=field_error(action, "email")/>
                <FormError action=action/>
                <button type="submit" disabled=move || action.pending().get()>"Mail me a link"</button>
            </ActionForm>
            <p class="muted"><A href="/sign-in">"Back to sign-in"</A></p>
        </section>
    }
}

/// `/reset-password/:token`: the link in a reset mail. Opening it only checks the link (a
/// mail scanner that fetches it changes nothing); choosing a password (a POST) sets it,
/// signs the user out everywhere and goes to sign-in.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = Resource::new(token, inspect_password_reset);
    let reset = ServerAction::<ResetPassword>::new();
    view! {
        <section class="narrow">
            <h1>"Choose a new password"</h1>
            <Transition fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match link.await {
                        Ok(()) => view! {
                            <p class="muted">"Choosing a new password signs you out everywhere, here too: sign in with it afterwards."</p>
                            <ActionForm action=reset>
                                <input type="hidden" name="token" value=token()/>
                                <NewPasswordField error=field_error(reset, "password")/>
                                <FormError action=reset/>
                                <button type="submit" disabled=move || reset.pending().get()>"Set password"</button>
                            </ActionForm>
                        }.into_any(),
                        Err(AppError::NotFound { .. }) => view! {
                            <p class="form-error" data-testid="expired">
                                "This link has expired, was replaced by a newer one or was already used. "
                                <A href="/sign-in/forgot">"Ask for a new one"</A> "."
                            </p>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
