use leptos::prelude::*;

use super::{
    get_two_factor_status, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor, RenewRecoveryCodes,
    TwoFactorStatus,
};
use crate::{
    auth::{Enrol, RecoveryCodes},
    components::{field_error, ConfirmSubmit, Field, FormError, LoadError, Saved},
};

/// The Security page's two-factor card: set up an authenticator, get new recovery codes,
/// turn two-factor sign-in off.
#[component]
pub fn TwoFactorCard() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let status = Resource::new(
        move || {
            (
                confirm.version().get(),
                renew.version().get(),
                disable.version().get(),
            )
        },
        |_| get_two_factor_status(),
    );
    // Recovery codes are shown once, when made, until the next change.
    let codes = RwSignal::new(None::<Vec<String>>);
    Effect::new(move |_| {
        if let Some(Ok(made)) = confirm.value().get().or_else(|| renew.value().get()) {
            codes.set(Some(made));
        }
    });
    Effect::new(move |_| {
        if matches!(disable.value().get(), Some(Ok(()))) {
            codes.set(None);
            confirm.value().set(None);
            renew.value().set(None);
            begin.value().set(None);
        }
    });
    view! {
        <section class="card">
            <h2>"Two-factor authentication"</h2>
            {move || codes.get().map(|list| view! { <RecoveryCodes codes=list/> })}
            <Saved action=disable message="Two-factor authentication is off. Signing in asks for your password only."/>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(TwoFactorStatus { enabled: true, recovery_codes_left, required }) => view! {
                            <TwoFactorOn recovery_codes_left required renew disable/>
                        }.into_any(),
                        Ok(_) => view! { <TwoFactorOff begin confirm/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TwoFactorOn(
    recovery_codes_left: i64,
    required: bool,
    renew: ServerAction<RenewRecoveryCodes>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    view! {
        <p><span class="badge ok">"On"</span>" Signing in asks for a code from your authenticator app after your password."</p>
        <p class="muted" data-testid="recovery-codes-left">
            {format!("{recovery_codes_left} unused recovery codes left.")}
        </p>
        <ActionForm action=renew>
            <Field label="Code from your app" name="code" autocomplete="one-time-code"
                hint="New recovery codes replace every old one." error=field_error(renew, "code")/>
            <FormError action=renew/>
            <button type="submit" class="secondary" disabled=move || renew.pending().get()>"New recovery codes"</button>
        </ActionForm>
        {if required {
            view! { <p class="muted">"Two-factor authentication is required of you, so it stays on."</p> }.into_any()
        } else {
            view! {
                <ActionForm action=disable>
                    <Field label="Your password" name="confirm_with" kind="password"
                        autocomplete="current-password" error=field_error(disable, "confirm_with")/>
                    <FormError action=disable/>
                    <ConfirmSubmit label="Turn off two-factor authentication"
                        question="Turn off two-factor authentication? Anyone with your password could then sign in as you."
                        confirm="Yes, turn it off"/>
                </ActionForm>
            }.into_any()
        }}
    }
}

#[component]
fn TwoFactorOff(
    begin: ServerAction<BeginTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
) -> impl IntoView {
    view! {
        <p>"Ask for a code from an authenticator app (1Password, Google Authenticator, Authy…) as well as your password when you sign in, so a stolen password is not enough."</p>
        <FormError action=begin/>
        {move || match begin.value().get() {
            Some(Ok(enrolment)) => view! {
                <Enrol enrolment>
                    <ActionForm action=confirm>
                        <Field label="Code from your app" name="code" autocomplete="one-time-code"
                            error=field_error(confirm, "code")/>
                        <FormError action=confirm/>
                        <button type="submit" disabled=move || confirm.pending().get()>"Turn on"</button>
                    </ActionForm>
                </Enrol>
            }.into_any(),
            _ => view! {
                <ActionForm action=begin>
                    <Field label="Your password" name="confirm_with" kind="password"
                        autocomplete="current-password" error=field_error(begin, "confirm_with")/>
                    <button type="submit" disabled=move || begin.pending().get()>"Set up two-factor authentication"</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}
