use leptos::prelude::*;

use super::{two_factor_required, RequireTwoFactor, RequiredOf};
use crate::components::{FormError, LoadError, Saved};

/// The card on whether two-factor sign-in is required of `of`, and the switch.
#[component]
pub fn TwoFactorRequirement(of: RequiredOf) -> impl IntoView {
    let require = ServerAction::<RequireTwoFactor>::new();
    let required = Resource::new(
        move || require.version().get(),
        move |_| two_factor_required(of),
    );
    let (whom, title, others) = match of {
        RequiredOf::AccountUsers => (
            "every user",
            "Two-factor authentication",
            "each user chooses on their Security page",
        ),
        RequiredOf::Operators => (
            "every operator",
            "Every operator",
            "each operator chooses for themselves",
        ),
    };
    let of_name = match of {
        RequiredOf::AccountUsers => "AccountUsers",
        RequiredOf::Operators => "Operators",
    };
    view! {
        <section class="card">
            <h2>{title}</h2>
            <FormError action=require/>
            <Saved action=require message="Saved."/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (said, button, class, next) = match required.await {
                        Err(e) => return view! { <LoadError error=e/> }.into_any(),
                        Ok(true) => (
                            format!("Required: {whom} signs in with a code from an authenticator app. Those without one set it up at their next sign-in."),
                            "Stop requiring it".to_owned(),
                            "secondary",
                            "false",
                        ),
                        Ok(false) => (
                            format!("Not required: {others}. Requiring it signs out {whom} signed in without a code; they set it up at their next sign-in. Turn it on for yourself first."),
                            format!("Require it of {whom}"),
                            "",
                            "true",
                        ),
                    };
                    view! {
                        <p data-testid="two-factor-policy">{said}</p>
                        <ActionForm action=require>
                            <input type="hidden" name="of" value=of_name/>
                            <input type="hidden" name="required" value=next/>
                            <button type="submit" class=class>{button}</button>
                        </ActionForm>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}
