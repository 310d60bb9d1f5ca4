use leptos::prelude::*;

use super::{
    email_card::EmailCard, list_sessions, two_factor_card::TwoFactorCard, ChangePassword,
    EndOtherSessions, EndSession, SignedInSession,
};
use crate::components::{
    field_error, ConfirmSubmit, Field, FormError, LoadError, NewPasswordField, Saved,
};

/// `/account/security`: change the password, and see and end the sessions signed in as me.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let change = ServerAction::<ChangePassword>::new();
    let end = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let sessions = Resource::new(
        move || {
            (
                change.version().get(),
                end.version().get(),
                end_others.version().get(),
            )
        },
        |_| list_sessions(),
    );
    view! {
        <h1>"Security"</h1>
        <section class="card">
            <h2>"Password"</h2>
            <p class="muted">"Changing your password signs you out everywhere else; this session stays signed in."</p>
            <ActionForm action=change>
                <Field label="Current password" name="current_password" kind="password"
                    autocomplete="current-password" error=field_error(change, "current_password")/>
                <NewPasswordField label="New password" error=field_error(change, "password")/>
                <FormError action=change/>
                <Saved action=change message="Password changed. Every other session has been signed out."/>
                <button type="submit" disabled=move || change.pending().get()>"Change password"</button>
            </ActionForm>
        </section>
        <EmailCard/>
        <TwoFactorCard/>
        <h2>"Signed-in sessions"</h2>
        <p class="muted">"Where you are signed in to Sesame now. End any session you do not recognise, then change your password."</p>
        <FormError action=end/>
        <FormError action=end_others/>
        <Saved action=end_others message="Every other session has been signed out."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match sessions.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) => {
                        let others = list.iter().filter(|s| !s.current).count();
                        view! {
                            <div class="table-wrap">
                                <table>
                                    <thead><tr>
                                        <th>"Browser"</th><th>"Address"</th><th>"Signed in"</th>
                                        <th>"Last seen"</th><th><span class="sr-only">"Actions"</span></th>
                                    </tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|s| view! { <SessionRow session=s end/> }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {(others > 0).then(|| view! {
                                <ActionForm action=end_others>
                                    <ConfirmSubmit label="Sign out everywhere else"
                                        question=format!("End {others} other session(s)? Whoever uses them must sign in again.")
                                        confirm="Yes, sign out the other sessions"/>
                                </ActionForm>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn SessionRow(session: SignedInSession, end: ServerAction<EndSession>) -> impl IntoView {
    let browser = if session.user_agent.is_empty() {
        "Unknown browser".to_owned()
    } else {
        session.user_agent
    };
    let question = format!(
        "End the session from {} signed in {}? It must sign in again.",
        session.client_address, session.signed_in
    );
    view! {
        <tr data-testid="session" data-current=session.current.to_string()>
            <td class="wrap">{browser}</td>
            <td>{session.client_address}</td>
            <td>{session.signed_in}</td>
            <td>{session.last_seen}</td>
            <td class="actions">
                {if session.current {
                    view! { <span class="badge">"This session"</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=end>
                            <input type="hidden" name="handle" value=session.handle.to_string()/>
                            <ConfirmSubmit label="End" question confirm="Yes, end it"/>
                        </ActionForm>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}
