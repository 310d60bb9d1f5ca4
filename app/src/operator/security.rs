use leptos::prelude::*;

use super::{operator_two_factor_required, RequireOperatorTwoFactor};
use crate::{
    components::{FormError, LoadError, Saved},
    security::TwoFactorCard,
};

/// `/operator/security`: the operator's own two-factor sign-in, and whether the platform
/// requires it of every operator.
#[component]
pub fn OperatorSecurityPage() -> impl IntoView {
    view! {
        <h1>"Security"</h1>
        <p class="muted">"An operator can disable any account and read every account's log: a stolen operator password should not be enough to sign in."</p>
        <TwoFactorCard/>
        <OperatorTwoFactorPolicy/>
    }
}

/// Whether every operator must sign in with a second factor, and the switch.
#[component]
fn OperatorTwoFactorPolicy() -> impl IntoView {
    let require = ServerAction::<RequireOperatorTwoFactor>::new();
    let required = Resource::new(
        move || require.version().get(),
        |_| operator_two_factor_required(),
    );
    view! {
        <section class="card">
            <h2>"Every operator"</h2>
            <FormError action=require/>
            <Saved action=require message="Saved."/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match required.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(true) => view! {
                            <p data-testid="operator-two-factor-policy">"Required: every operator signs in with a code from an authenticator app. Operators without one set it up at their next sign-in."</p>
                            <ActionForm action=require>
                                <input type="hidden" name="required" value="false"/>
                                <button type="submit" class="secondary">"Stop requiring it"</button>
                            </ActionForm>
                        }.into_any(),
                        Ok(false) => view! {
                            <p data-testid="operator-two-factor-policy">"Not required: each operator chooses for themselves. Requiring it signs out every operator session opened without a code; they set one up at their next sign-in. Turn it on for yourself first."</p>
                            <ActionForm action=require>
                                <input type="hidden" name="required" value="true"/>
                                <button type="submit">"Require it of every operator"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
