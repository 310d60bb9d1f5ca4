use leptos::prelude::*;

use super::ChangeEmail;
use crate::{
    auth::{AuthState, Principal},
    components::{field_error, Field, FormError, Saved},
};

/// The Security page's card for the address the user signs in with.
#[component]
pub fn EmailCard() -> impl IntoView {
    let change = ServerAction::<ChangeEmail>::new();
    let auth = AuthState::get();
    let current = move || match auth.principal.get() {
        Some(Ok(Some(Principal::User(user)))) => Some(user.email),
        _ => None,
    };
    view! {
        <section class="card">
            <h2>"Sign-in address"</h2>
            <Transition fallback=|| ()>
                {move || current().map(|email| view! {
                    <p>"You sign in with "<strong data-testid="sign-in-address">{email}</strong>"."</p>
                })}
            </Transition>
            <Saved action=change message="Check the new address's inbox: the change is made when the link we mailed there is opened (within an hour)."/>
            <ActionForm action=change>
                <Field label="New email" name="email" kind="email" autocomplete="email"
                    error=field_error(change, "email")/>
                <Field label="Password" name="email_password" kind="password"
                    autocomplete="current-password" error=field_error(change, "email_password")/>
                <FormError action=change/>
                <button type="submit" disabled=move || change.pending().get()>"Change address"</button>
            </ActionForm>
        </section>
    }
}
