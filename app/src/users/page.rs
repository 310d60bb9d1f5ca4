use leptos::prelude::*;

use super::{
    list_invitations, list_users, CancelInvitation, DeleteUser, EndUserSessions, Invitation,
    InviteUser, ResetTwoFactor, SetUserDisabled, User,
};
use crate::{
    auth::Role,
    components::{field_error, ConfirmSubmit, Field, FormError, LoadError, Saved},
    security::{RequiredOf, TwoFactorRequirement},
};

/// What can be done to a user from its row.
#[derive(Clone, Copy)]
struct UserActions {
    set_disabled: ServerAction<SetUserDisabled>,
    end_sessions: ServerAction<EndUserSessions>,
    reset_two_factor: ServerAction<ResetTwoFactor>,
    delete: ServerAction<DeleteUser>,
}

/// `/account/users`: the account's users (admins only) with disable, sign out, two-factor
/// reset and delete; whether the account requires two-factor sign-in; and the invitations
/// not yet accepted, with invite and cancel.
#[component]
pub fn UsersPage() -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let cancel = ServerAction::<CancelInvitation>::new();
    let actions = UserActions {
        set_disabled: ServerAction::new(),
        end_sessions: ServerAction::new(),
        reset_two_factor: ServerAction::new(),
        delete: ServerAction::new(),
    };
    let users = Resource::new(
        move || {
            (
                actions.set_disabled.version().get(),
                actions.reset_two_factor.version().get(),
                actions.delete.version().get(),
            )
        },
        |_| list_users(),
    );
    let invitations = Resource::new(
        move || (invite.version().get(), cancel.version().get()),
        |_| list_invitations(),
    );
    let invited = move || invite.value().get().is_some_and(|r| r.is_ok());
    view! {
        <h1>"Users"</h1>
        <FormError action=actions.set_disabled/>
        <FormError action=actions.delete/>
        <FormError action=actions.end_sessions/>
        <FormError action=actions.reset_two_factor/>
        <Saved action=actions.end_sessions message="Signed out: the user must sign in again."/>
        <Saved action=actions.reset_two_factor message="Two-factor authentication reset: the user is signed out, and signs in with the password alone (or sets up a new authenticator, if the account requires one)."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(users) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th>"Name"</th><th>"ARN"</th><th>"Email"</th><th>"Role"</th>
                                    <th>"Status"</th><th>"Two-factor"</th><th>"Created"</th><th><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| view! { <UserRow user=u actions/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <TwoFactorRequirement of=RequiredOf::AccountUsers/>
        <h2>"Invitations"</h2>
        <FormError action=cancel/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match invitations.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted" data-testid="no-invitations">"No invitations waiting."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th>"Name"</th><th>"Email"</th><th>"Role"</th><th>"Sent"</th>
                                    <th>"Status"</th><th><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|i| view! { <InvitationRow invitation=i cancel/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Invite a user"</h2>
            <p class="muted">"Sesame mails the address a link; the user chooses a password there and joins. An address signs in to one Sesame account only."</p>
            <Show when=invited>
                <p class="notice" data-testid="invited">"Invitation sent. It shows below until it is accepted; its link works for 7 days."</p>
            </Show>
            <ActionForm action=invite>
                <Field label="Name" name="name" hint="Letters, digits and + = , . @ _ -" error=field_error(invite, "name")/>
                <Field label="Email" name="email" kind="email" autocomplete="off" error=field_error(invite, "email")/>
                <div class="field">
                    <label for="field-role">"Role"</label>
                    <select id="field-role" name="role">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                    </select>
                    <p class="hint">"Admins manage users; senders send and manage their access keys; viewers only look."</p>
                </div>
                <FormError action=invite/>
                <button type="submit" disabled=move || invite.pending().get()>"Invite user"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn InvitationRow(invitation: Invitation, cancel: ServerAction<CancelInvitation>) -> impl IntoView {
    let cancel_aria = format!("Cancel the invitation of {}", invitation.name);
    view! {
        <tr>
            <td>{invitation.name}</td>
            <td>{invitation.email}</td>
            <td>{invitation.role.to_string()}</td>
            <td>{invitation.sent}</td>
            <td>{if invitation.expired { "Expired: invite again" } else { "Waiting" }}</td>
            <td class="actions">
                <ActionForm action=cancel>
                    <input type="hidden" name="invitation_id" value=invitation.invitation_id.to_string()/>
                    <button type="submit" class="secondary" aria-label=cancel_aria>"Cancel"</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
fn UserRow(user: User, actions: UserActions) -> impl IntoView {
    let id = user.user_id;
    let (toggle_label, toggle_value) = if user.disabled {
        ("Enable", "false")
    } else {
        ("Disable", "true")
    };
    let toggle_aria = format!("{toggle_label} {}", user.name);
    let sign_out_question = format!(
        "End every session of {}? They must sign in again.",
        user.name
    );
    let sign_out_aria = format!("Yes, sign out {}", user.name);
    let reset_question = format!(
        "Turn off two-factor authentication for {}? Do this only when they have lost their authenticator app and their recovery codes. They are signed out.",
        user.name
    );
    let reset_aria = format!("Yes, reset two-factor for {}", user.name);
    let delete_question = format!(
        "Delete the user {}? They can no longer sign in, and their access keys stop working.",
        user.name
    );
    let delete_aria = format!("Yes, delete {}", user.name);
    view! {
        <tr>
            <td>{user.name}</td>
            <td><code>{user.arn}</code></td>
            <td>{user.email}</td>
            <td>{user.role.to_string()}</td>
            <td>{if user.disabled { "Disabled" } else { "Active" }}</td>
            <td>{if user.two_factor { "On" } else { "Off" }}</td>
            <td>{user.created}</td>
            <td class="actions">
                <ActionForm action=actions.set_disabled>
                    <input type="hidden" name="user_id" value=id.to_string()/>
                    <input type="hidden" name="disabled" value=toggle_value/>
                    <button type="submit" class="secondary" aria-label=toggle_aria>{toggle_label}</button>
                </ActionForm>
                <ActionForm action=actions.end_sessions>
                    <input type="hidden" name="user_id" value=id.to_string()/>
                    <ConfirmSubmit label="Sign out" question=sign_out_question confirm=sign_out_aria/>
                </ActionForm>
                {user.two_factor.then(|| view! {
                    <ActionForm action=actions.reset_two_factor>
                        <input type="hidden" name="user_id" value=id.to_string()/>
                        <ConfirmSubmit label="Reset two-factor" question=reset_question confirm=reset_aria/>
                    </ActionForm>
                })}
                <ActionForm action=actions.delete>
                    <input type="hidden" name="user_id" value=id.to_string()/>
                    <ConfirmSubmit label="Delete" question=delete_question confirm=delete_aria/>
                </ActionForm>
            </td>
        </tr>
    }
}
