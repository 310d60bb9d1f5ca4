use leptos::prelude::*;

use super::{
    examples::{aws_cli, boto3, ApiExample},
    list_access_keys,
    scope_fields::{ScopeFields, ScopeSummary},
    AccessKey, CreateAccessKey, DeleteAccessKey, NewAccessKey, SetAccessKeyActive,
};
use crate::{
    accounts::{account_regions, RegionOptions, RegionSubmit},
    components::{field_error, ConfirmSubmit, CopyValue, FormError, LoadError},
    landing::get_deployment,
    sending::{list_send_as, SendAs, SendAsPicker},
};

/// `/account/access-keys`: my access keys; a new key's secret and SMTP password are shown
/// once, with copy buttons.
#[component]
pub fn AccessKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let set_active = ServerAction::<SetAccessKeyActive>::new();
    let delete = ServerAction::<DeleteAccessKey>::new();
    let keys = Resource::new(
        move || {
            (
                create.version().get(),
                set_active.version().get(),
                delete.version().get(),
            )
        },
        |_| list_access_keys(),
    );
    let regions = account_regions();
    view! {
        <h1>"Access keys"</h1>
        <p class="muted">"Access keys sign requests to the SES-compatible API (SigV4). Each key also gives an SMTP password per region. You can have two active keys."</p>
        {move || create.value().get().and_then(Result::ok).map(|key| view! { <NewKeyPanel key/> })}
        <FormError action=set_active/>
        <FormError action=delete/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(keys) if keys.is_empty() => view! { <p>"You have no access keys yet."</p> }.into_any(),
                    Ok(keys) => view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Access key id"</th><th>"Status"</th><th>"Limits"</th><th>"Created"</th><th>"Last used"</th><th><span class="sr-only">"Actions"</span></th></tr></thead>
                                <tbody>
                                    {keys.into_iter().map(|k| view! { <KeyRow key=k set_active delete/> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Create an access key"</h2>
            <ActionForm action=create>
                <div class="field">
                    <label for="field-region">"SMTP password region"</label>
                    <select id="field-region" name="region"><RegionOptions regions/></select>
                    <p class="field-error">{move || field_error(create, "region").get()}</p>
                </div>
                <ScopeFields create/>
                <FormError action=create/>
                <RegionSubmit regions pending=create.pending() label="Create access key"/>
            </ActionForm>
        </section>
        <ApiExamples create/>
    }
}

/// The AWS CLI and boto3, as the identity picked (own, or shared: then with its ARN), with
/// a key just created filled in (placeholders otherwise).
#[component]
fn ApiExamples(create: ServerAction<CreateAccessKey>) -> impl IntoView {
    let send_as = Resource::new(|| (), |_| list_send_as());
    let deployment = Resource::new(|| (), |_| get_deployment());
    view! {
        <section class="card">
            <h2>"Examples"</h2>
            <p class="muted">"Any AWS SDK works: point it at this endpoint. These send to the mailbox simulator, which works from the sandbox too."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let identities = send_as.await.unwrap_or_default();
                    let Ok(deployment) = deployment.await else { return ().into_any() };
                    let (picked, set_picked) = signal(0usize);
                    let choices = identities.clone();
                    let examples = move || {
                        let key = create.value().get().and_then(Result::ok);
                        let (key_id, secret) = key.map_or_else(
                            || ("ACCESS_KEY_ID".to_owned(), "SECRET_ACCESS_KEY".to_owned()),
                            |k| (k.access_key_id, k.secret_access_key),
                        );
                        let identity = identities.get(picked.get());
                        let from = identity.map_or_else(|| "sender@example.com".to_owned(), SendAs::example_from);
                        let region = identity
                            .map(|i| i.region.clone())
                            .or_else(|| deployment.regions.first().cloned())
                            .unwrap_or_default();
                        let example = ApiExample {
                            endpoint: &deployment.api_endpoint,
                            region: &region,
                            key_id: &key_id,
                            secret: &secret,
                            from: &from,
                            identity_arn: identity.and_then(SendAs::source_arn),
                        };
                        view! {
                            <CopyValue label="AWS CLI" value=aws_cli(&example) test_id="api-example-cli" block=true/>
                            <CopyValue label="boto3" value=boto3(&example) test_id="api-example-boto3" block=true/>
                        }
                    };
                    view! {
                        <SendAsPicker id="field-api-example-identity" identities=choices picked=set_picked/>
                        {examples}
                    }
                    .into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
fn NewKeyPanel(key: NewAccessKey) -> impl IntoView {
    view! {
        <section class="card secret" role="status">
            <h2>"Your new access key"</h2>
            <p><strong>"This is the only time the secret access key and SMTP password are shown."</strong>" Copy them now; if you lose them, create a new key."</p>
            <CopyValue label="Access key id" value=key.access_key_id.clone() test_id="new-access-key-id"/>
            <CopyValue label="Secret access key" value=key.secret_access_key test_id="new-secret"/>
            <CopyValue label="SMTP user name" value=key.access_key_id test_id="new-smtp-user"/>
            <CopyValue label=format!("SMTP password ({})", key.smtp_region) value=key.smtp_password test_id="new-smtp-password"/>
        </section>
    }
}

#[component]
fn KeyRow(
    key: AccessKey,
    set_active: ServerAction<SetAccessKeyActive>,
    delete: ServerAction<DeleteAccessKey>,
) -> impl IntoView {
    let (label, value) = if key.active {
        ("Deactivate", "false")
    } else {
        ("Activate", "true")
    };
    let id = key.access_key_id.clone();
    let (id_for_toggle, id_for_delete) = (id.clone(), id.clone());
    let status = match (key.expired, key.active) {
        (true, _) => "Expired",
        (false, true) => "Active",
        (false, false) => "Inactive",
    };
    // When, and (for the latest use) in which region and for what.
    let last_used = match (&key.last_used, &key.last_used_action, &key.last_used_region) {
        (None, ..) => "Never".to_owned(),
        (Some(at), Some(action), Some(region)) => format!("{at}, {action} in {region}"),
        (Some(at), ..) => at.clone(),
    };
    view! {
        <tr data-testid="access-key">
            <td><code>{id}</code></td>
            <td>{status}</td>
            <td class="wrap"><ScopeSummary key=key.clone()/></td>
            <td>{key.created}</td>
            <td class="wrap" data-testid="key-last-used">{last_used}</td>
            <td class="actions">
                <ActionForm action=set_active>
                    <input type="hidden" name="access_key_id" value=id_for_toggle/>
                    <input type="hidden" name="active" value=value/>
                    <button type="submit" class="secondary">{label}</button>
                </ActionForm>
                <ActionForm action=delete>
                    <input type="hidden" name="access_key_id" value=id_for_delete.clone()/>
                    <ConfirmSubmit label="Delete"
                        question=format!("Delete access key {id_for_delete}? Programs and SMTP clients using it stop working at once.")
                        confirm="Yes, delete this key"/>
                </ActionForm>
            </td>
        </tr>
    }
}
