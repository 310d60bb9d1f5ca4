use std::time::Duration;

use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    components::{loaded, reload_on_change, AccountRef, ConfirmSubmit, CopyValue, FormError},
    partners::{
        list_partner_links, MakePartnerLink, PartnerLink, WithdrawPartnerLink, VALIDITY_DAYS,
    },
};

/// How often the owner's open links are checked for a partner's acceptance.
const WATCH: Duration = Duration::from_secs(5);

/// The owner's partner links for one identity, in the policy generator: make one, see who
/// accepted, and `pick` an accepted partner's account id as a delegate.
#[component]
pub fn PartnerLinks(identity_id: Uuid, pick: Callback<String>) -> impl IntoView {
    let make = ServerAction::<MakePartnerLink>::new();
    let withdraw = ServerAction::<WithdrawPartnerLink>::new();
    // While a link is open, the list is reloaded when a partner accepts it.
    let watched = RwSignal::new(None::<Vec<PartnerLink>>);
    let accepted = reload_on_change(WATCH, watched, move || async move {
        list_partner_links(identity_id).await.ok()
    });
    let links = Resource::new(
        move || {
            (
                make.version().get(),
                withdraw.version().get(),
                accepted.get(),
            )
        },
        move |_| list_partner_links(identity_id),
    );
    let made = move || make.value().get().and_then(Result::ok);
    view! {
        <div class="partner-links">
            <h3>"Partners by link"</h3>
            <p class="muted">{format!("No account id at hand? Make a link and give it to your partner. Once they open it signed in to their account and accept (within {VALIDITY_DAYS} days), pick them here.")}</p>
            <ActionForm action=make>
                <input type="hidden" name="identity_id" value=identity_id.to_string()/>
                <button type="submit" class="secondary" disabled=move || make.pending().get()>"Make a partner link"</button>
            </ActionForm>
            <FormError action=make/>
            {move || made().map(|link| view! {
                <CopyValue label="Partner link (shown once)" value=link test_id="partner-link"/>
            })}
            {loaded(links, move |links: Vec<PartnerLink>| {
                watched.set(links.iter().any(|l| l.partner.is_none()).then(|| links.clone()));
                view! {
                    <ul class="partner-list">
                        {links.into_iter().map(|link| match link.partner {
                            Some(partner) => {
                                let id = partner.account_id.clone();
                                view! {
                                    <li data-testid="partner">
                                        <AccountRef id=partner.account_id name=Some(partner.name)/>
                                        <button type="button" class="secondary" on:click=move |_| pick.run(id.clone())>"Add as delegate"</button>
                                    </li>
                                }.into_any()
                            }
                            None => view! {
                                <li data-testid="partner-link-open">
                                    <span class="muted">"Link made " {link.created} ", open until " {link.expires}</span>
                                    <ActionForm action=withdraw>
                                        <input type="hidden" name="invitation_id" value=link.invitation_id.to_string()/>
                                        <ConfirmSubmit label="Withdraw"
                                            question="Withdraw this link? It stops working at once; a partner who has it will need a new one."
                                            confirm="Yes, withdraw the link"/>
                                    </ActionForm>
                                </li>
                            }.into_any(),
                        }).collect_view()}
                    </ul>
                }
            })}
            <FormError action=withdraw/>
        </div>
    }
}
