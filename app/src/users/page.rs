use leptos::prelude::*;

use super::{list_users, CreateUser, DeleteUser, SetUserDisabled, User};
use crate::{
    auth::Role,
    components::{field_error, Field, FormError, LoadError},
};

/// `/account/users`: the account's users (admins only), with create, disable and delete.
#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_disabled.version().get(),
                delete.version().get(),
            )
        },
        |_| list_users(),
    );
    view! {
        <h1>"Users"</h1>
        <FormError action=set_disabled/>
        <FormError action=delete/>
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
                                    {users.into_iter().map(|u| view! { <UserRow user=u set_disabled delete/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Create a user"</h2>
            <ActionForm action=create>
                <Field label="Name" name="name" hint="Letters, digits and + = , . @ _ -" error=field_error(create, "name")/>
                <Field label="Email" name="email" kind="email" autocomplete="off" error=field_error(create, "email")/>
                <div class="field">
                    <label for="field-role">"Role"</label>
                    <select id="field-role" name="role">
                        {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                    </select>
                    <p class="hint">"Admins manage users; senders send and manage their access keys; viewers only look."</p>
                </div>
                <Field label="Initial password" name="password" kind="password" autocomplete="new-password" error=field_error(create, "password")/>
                <FormError action=create/>
                <button type="submit" disabled=move || create.pending().get()>"Create user"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserRow(
    user: User,
    set_disabled: ServerAction<SetUserDisabled>,
    delete: ServerAction<DeleteUser>,
) -> impl IntoView {
    let id = user.user_id.to_string();
    let id_for_delete = id.clone();
    let (toggle_label, toggle_value) = if user.disabled {
        ("Enable", "false")
    } else {
        ("Disable", "true")
    };
    let toggle_aria = format!("{toggle_label} {}", user.name);
    let delete_aria = format!("Delete {}", user.name);
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
                <ActionForm action=delete>
                    <input type="hidden" name="user_id" value=id_for_delete/>
                    <button type="submit" class="danger" aria-label=delete_aria>"Delete"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
