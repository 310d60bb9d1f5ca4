use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use crate::{
    components::{loaded, AccountRef, FormError},
    partners::{read_partner_invitation, AcceptPartnerInvitation, Invitation, InvitationState},
};

/// `/partners/:token`: a partner link, opened by the partner signed in to its account
/// (signed out, the page asks to sign in and comes back). Accepting is a POST form.
#[component]
pub fn PartnerInvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let accept = ServerAction::<AcceptPartnerInvitation>::new();
    let invitation = Resource::new(
        move || (token(), accept.version().get()),
        |(token, _)| read_partner_invitation(token),
    );
    view! {
        <section class="narrow">
            <h1>"Partner link"</h1>
            {loaded(invitation, move |invitation: Invitation| {
                let Invitation { owner_name, owner_account, identity, region, state } = invitation;
                let owner = view! { <AccountRef id=owner_account name=Some(owner_name.clone())/> };
                match state {
                    InvitationState::Open => view! {
                        <p>{owner} " invites your account to send as " <code>{identity}</code> " (" {region} ")."</p>
                        <p class="muted">"Accepting tells " {owner_name.clone()} " your account's id and name, so that they can allow it in a sending authorization policy. It gives nobody access to anything: you can send as the identity only once they save a policy that allows you."</p>
                        <ActionForm action=accept>
                            <input type="hidden" name="token" value=token()/>
                            <FormError action=accept/>
                            <button type="submit" disabled=move || accept.pending().get()>"Accept"</button>
                        </ActionForm>
                    }.into_any(),
                    InvitationState::AcceptedByYou => view! {
                        <p class="notice" data-testid="partner-accepted">
                            "Accepted. " {owner_name} " can now pick your account in its policy generator. Once a policy allows you, "
                            <code>{identity}</code> " appears under " <A href="/shared">"Shared with me"</A> "."
                        </p>
                    }.into_any(),
                }
            })}
        </section>
    }
}
