use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::{inspect_invitation, AcceptInvitation};
use crate::{
    auth::AuthState,
    components::{field_error, FormError, LoadError, NewPasswordField},
    error::AppError,
};

/// `/invitation/:token`: the link in an invitation. Opening it shows the account and the
/// user to be; choosing a password and joining (a POST) creates the user and signs it in.
#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let offer = Resource::new(token, inspect_invitation);
    let accept = ServerAction::<AcceptInvitation>::new();
    // The header shows who is signed in once the invitation is accepted.
    let auth = AuthState::get();
    Effect::new(move || {
        if accept.version().get() > 0 {
            auth.principal.refetch();
        }
    });
    view! {
        <section class="narrow">
            <h1>"Join a Sesame account"</h1>
            <Transition fallback=|| view! { <p>"Checking the link…"</p> }>
                {move || Suspend::new(async move {
                    match offer.await {
                        Ok(offer) => view! {
                            <p>"You are invited to " <strong>{offer.account_name.clone()}</strong>
                               " as the user " <strong>{offer.name.clone()}</strong> " ("
                               {offer.role.to_string()} "), signing in with "
                               <strong>{offer.email.clone()}</strong> "."</p>
                            <ActionForm action=accept>
                                <input type="hidden" name="token" value=token()/>
                                <NewPasswordField error=field_error(accept, "password")/>
                                <FormError action=accept/>
                                <button type="submit" disabled=move || accept.pending().get()>"Join"</button>
                            </ActionForm>
                        }.into_any(),
                        Err(AppError::NotFound { .. }) => view! {
                            <p class="form-error" data-testid="expired">
                                "This invitation has expired, was cancelled or was already used. Ask the account's admin to invite you again, or "
                                <A href="/sign-in">"sign in"</A> "."
                            </p>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
