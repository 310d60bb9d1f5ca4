use leptos::prelude::*;
use leptos_router::components::A;

use super::AuthState;
use crate::{
    auth::{
        get_second_step, BeginRequiredTwoFactor, Enrolment, FinishRequiredTwoFactor, SecondStep,
    },
    components::{field_error, Field, FormError, LoadError},
};

/// `/sign-in/two-factor`: the second step of signing in — a code from the authenticator
/// app or a recovery code, or, when two-factor sign-in is required of a user or operator who
/// has none yet, setting an authenticator up.
#[component]
pub fn TwoFactorSignInPage() -> impl IntoView {
    let step = Resource::new(|| (), |_| get_second_step());
    view! {
        <section class="narrow">
            <h1>"Two-factor authentication"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match step.await {
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                        Ok(None) => view! {
                            <p>"There is no sign-in to finish here: it has expired (after five minutes) or was finished already."</p>
                            <p><A href="/sign-in">"Sign in"</A></p>
                        }.into_any(),
                        Ok(Some(SecondStep { set_up: true })) => view! { <RequiredSetUp/> }.into_any(),
                        Ok(Some(_)) => view! { <CodeStep/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CodeStep() -> impl IntoView {
    let action = AuthState::get().second_factor;
    view! {
        <p>"Enter the 6-digit code your authenticator app shows for Sesame. Lost the app? Enter one of your recovery codes instead; each works once."</p>
        <ActionForm action=action>
            <Field label="Code" name="code" autocomplete="one-time-code" error=field_error(action, "code")/>
            <FormError action=action/>
            <button type="submit" disabled=move || action.pending().get()>"Verify"</button>
        </ActionForm>
        <p class="muted"><A href="/sign-in">"Sign in again"</A></p>
    }
}

/// Setting up the authenticator the account requires, then signing in.
#[component]
fn RequiredSetUp() -> impl IntoView {
    let begin = ServerAction::<BeginRequiredTwoFactor>::new();
    let finish = ServerAction::<FinishRequiredTwoFactor>::new();
    view! {
        <p>"Two-factor authentication is required of you. Set up an authenticator app to finish signing in."</p>
        {move || match (finish.value().get(), begin.value().get()) {
            (Some(Ok(done)), _) => view! {
                <RecoveryCodes codes=done.recovery_codes/>
                // A full load: the whole console, now signed in.
                <p><a class="button" href=done.next rel="external">"Continue"</a></p>
            }.into_any(),
            (_, Some(Ok(enrolment))) => view! {
                <Enrol enrolment>
                    <ActionForm action=finish>
                        <Field label="Code from your app" name="code" autocomplete="one-time-code"
                            error=field_error(finish, "code")/>
                        <FormError action=finish/>
                        <button type="submit" disabled=move || finish.pending().get()>"Turn on and sign in"</button>
                    </ActionForm>
                </Enrol>
            }.into_any(),
            _ => view! {
                <FormError action=begin/>
                <ActionForm action=begin>
                    <button type="submit" disabled=move || begin.pending().get()>"Set up two-factor authentication"</button>
                </ActionForm>
            }.into_any(),
        }}
    }
}

/// The two steps of setting up an authenticator: scan (or type) the secret, then enter a
/// code from the app in `children`, the form that finishes.
#[component]
pub fn Enrol(enrolment: Enrolment, children: Children) -> impl IntoView {
    view! {
        <ol class="steps">
            <li>
                "Scan this QR code with your authenticator app."
                // An SVG Sesame drew from its own data: nothing a client wrote.
                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg></div>
                <p class="muted">"Cannot scan it? Enter this key: "<code data-testid="totp-secret">{enrolment.secret}</code></p>
            </li>
            <li>"Enter the 6-digit code the app shows." {children()}</li>
        </ol>
    }
}

/// Recovery codes just made, shown this once.
#[component]
pub fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="notice" role="status" data-testid="recovery-codes">
            <p><strong>"Save these recovery codes now."</strong>" Each signs you in once if you lose your authenticator app. They are not shown again."</p>
            <ul class="recovery-codes">
                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
        </div>
    }
}
