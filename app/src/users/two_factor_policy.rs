use leptos::prelude::*;

use super::{two_factor_required, RequireTwoFactor};
use crate::components::{FormError, LoadError, Saved};

/// The Users page's card on two-factor sign-in: whether the account requires it of every
/// user, and the switch.
#[component]
pub fn TwoFactorPolicy() -> impl IntoView {
    let require = ServerAction::<RequireTwoFactor>::new();
    let required = Resource::new(move || require.version().get(), |_| two_factor_required());
    view! {
        <section class="card">
            <h2>"Two-factor authentication"</h2>
            <FormError action=require/>
            <Saved action=require message="Saved."/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match required.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(true) => view! {
                            <p data-testid="two-factor-policy">"Required: every user signs in with a code from an authenticator app. Users without one set it up at their next sign-in."</p>
                            <ActionForm action=require>
                                <input type="hidden" name="required" value="false"/>
                                <button type="submit" class="secondary">"Stop requiring it"</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(false) => view! {
                            <p data-testid="two-factor-policy">"Not required: each user chooses on their Security page. Requiring it signs out every user without it; they set it up at their next sign-in. Turn it on for yourself first."</p>
                            <ActionForm action=require>
                                <input type="hidden" name="required" value="true"/>
                                <button type="submit">"Require it for every user"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
