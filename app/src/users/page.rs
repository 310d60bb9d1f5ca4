use leptos::prelude::*;

use super::{
    list_invitations, list_users, CancelInvitation, DeleteUser, EndUserSessions, Invitation,
    InviteUser, SetUserDisabled, User,
};
use crate::{
    auth::Role,
    components::{field_error, ConfirmSubmit, Field, FormError, LoadError, Saved},
};

/// `/account/users`: the account's users (admins only) with disable and delete, and the
/// invitations not yet accepted, with invite and cancel.
#[component]
pub fn UsersPage() -> impl IntoView {
    let invite = ServerAction::<InviteUser>::new();
    let cancel = ServerAction::<CancelInvitation>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let end_sessions = ServerAction::<EndUserSessions>::new();
    let users = Resource::new(
        move || (set_disabled.version().get(), delete.version().get()),
        |_| list_users(),
    );
    let invitations = Resource::new(
        move || (invite.version().get(), cancel.version().get()),
        |_| list_invitations(),
    );
    let invited = move || invite.value().get().is_some_and(|r| r.is_ok());
    view! {
        <h1>"Users"</h1>
        <FormError action=set_disabled/>
        <FormError action=delete/>
        <FormError action=end_sessions/>
        <Saved action=end_sessions message="Signed out: the user must sign in again."/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match users.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(users) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th>"Name"</th><th>"ARN"</th><th>"Email"</th><th>"Role"</th>
                                    <th>"Status"</th><th>"Created"</th><th><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {users.into_iter().map(|u| view! { <UserRow user=u set_disabled delete end_sessions/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
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
fn UserRow(
    user: User,
    set_disabled: ServerAction<SetUserDisabled>,
    delete: ServerAction<DeleteUser>,
    end_sessions: ServerAction<EndUserSessions>,
) -> impl IntoView {
    let id = user.user_id.to_string();
    let id_for_delete = id.clone();
    let id_for_sessions = id.clone();
    let sign_out_aria = format!("Yes, sign out {}", user.name);
    let (toggle_label, toggle_value) = if user.disabled {
        ("Enable", "false")
    } else {
        ("Disable", "true")
    };
    let toggle_aria = format!("{toggle_label} {}", user.name);
    let delete_aria = format!("Yes, delete {}", user.name);
    let sign_out_question = format!(
        "End every session of {}? They must sign in again.",
        user.name
    );
    let delete_question = format!(
        "Delete the user {}? They can no longer sign in, and their access keys stop working.",
        user.name
    );
    view! {
        <tr>
            <td>{user.name}</td>
            <td><code>{user.arn}</code></td>
            <td>{user.email}</td>
            <td>{user.role.to_string()}</td>
            <td>{if user.disabled { "Disabled" } else { "Active" }}</td>
            <td>{user.created}</td>
            <td class="actions">
                <ActionForm action=set_disabled>
                    <input type="hidden" name="user_id" value=id/>
                    <input type="hidden" name="disabled" value=toggle_value/>
                    <button type="submit" class="secondary" aria-label=toggle_aria>{toggle_label}</button>
                </ActionForm>
                <ActionForm action=end_sessions>
                    <input type="hidden" name="user_id" value=id_for_sessions/>
                    <ConfirmSubmit label="Sign out"
                        question=sign_out_question
                        confirm=sign_out_aria/>
                </ActionForm>
                <ActionForm action=delete>
                    <input type="hidden" name="user_id" value=id_for_delete/>
                    <ConfirmSubmit label="Delete"
                        question=delete_question
                        confirm=delete_aria/>
                </ActionForm>
            </td>
        </tr>
    }
}
