use std::time::Duration;

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    accounts::{account_regions, RegionOptions, RegionSubmit},
    components::{field_error, reload_on_change, Field, FormError, LoadError},
    error::AppError,
    identities::{
        list_identities, CreateDomainIdentity, CreateEmailIdentity, DkimAlgorithm, IdentitySummary,
        StatusBadge, VerificationStatus,
    },
};

/// `/identities`: the account's identities with filters, and adding a domain.
#[component]
pub fn IdentitiesPage() -> impl IntoView {
    let create = ServerAction::<CreateDomainIdentity>::new();
    let create_email = ServerAction::<CreateEmailIdentity>::new();
    let (region, set_region) = signal(String::new());
    let (status, set_status) = signal(String::new());
    let (kind, set_kind) = signal(String::new());
    // While any identity shown is Pending, the list is asked for every 5 seconds and
    // redrawn when a status changes.
    let watched = RwSignal::new(None::<Vec<VerificationStatus>>);
    let changed = reload_on_change(Duration::from_secs(5), watched, move || {
        let filters = (
            region.get_untracked(),
            status.get_untracked(),
            kind.get_untracked(),
        );
        async move {
            let list = list_identities(filters.0, filters.1, filters.2)
                .await
                .ok()?;
            Some(list.into_iter().map(|i| i.status).collect())
        }
    });
    let identities = Resource::new(
        move || {
            (
                changed.get(),
                region.get(),
                status.get(),
                kind.get(),
                create.version().get(),
                create_email.version().get(),
            )
        },
        |(_, region, status, kind, ..)| list_identities(region, status, kind),
    );
    let regions = account_regions();
    // A new identity opens on its own page, with what to do next.
    open_created(create);
    open_created(create_email);
    let query = use_query_map();
    let deleted = move || query.read().get("deleted").is_some();
    view! {
        <h1>"Identities"</h1>
        <Show when=deleted>
            <p class="notice" role="status" data-testid="identity-deleted">"The identity was deleted; nobody can send as it any more."</p>
        </Show>
        <div class="filters">
            <label>"Region " <select on:change=move |e| set_region.set(event_target_value(&e))>
                <option value="">"All"</option>
                <RegionOptions regions/>
            </select></label>
            <label>"Status " <select on:change=move |e| set_status.set(event_target_value(&e))>
                <option value="">"All"</option>
                {VerificationStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
            </select></label>
            <label>"Type " <select on:change=move |e| set_kind.set(event_target_value(&e))>
                <option value="">"All"</option>
                <option value="domain">"Domain"</option>
                <option value="email_address">"Email address"</option>
            </select></label>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let loaded = identities.await;
                watched.set(None);
                match loaded {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p>"No identities match."</p> }.into_any(),
                    Ok(list) => {
                        let statuses: Vec<VerificationStatus> = list.iter().map(|i| i.status).collect();
                        watched.set(statuses.contains(&VerificationStatus::Pending).then_some(statuses));
                        view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr><th>"Identity"</th><th>"Type"</th><th>"Region"</th><th>"Status"</th></tr></thead>
                                <tbody>
                                    {list.into_iter().map(|i| {
                                        let href = format!("/identities/{}", i.identity_id);
                                        view! {
                                            <tr>
                                                <td><A href=href>{i.name}</A></td>
                                                <td>{i.kind.label()}</td>
                                                <td>{i.region}</td>
                                                <td><StatusBadge status=i.status/></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Add a domain"</h2>
            <ActionForm action=create>
                <Field label="Domain" name="domain" hint="For example example.com; it covers its subdomains and every address under them." error=field_error(create, "domain")/>
                <div class="field">
                    <label for="field-region">"Region"</label>
                    <select id="field-region" name="region"><RegionOptions regions/></select>
                    <p class="field-error">{move || field_error(create, "region").get()}</p>
                </div>
                <div class="field">
                    <label for="field-dkim">"DKIM key"</label>
                    <select id="field-dkim" name="dkim_algorithm">
                        {[DkimAlgorithm::Rsa2048, DkimAlgorithm::Ed25519].into_iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
                    </select>
                </div>
                <FormError action=create/>
                <RegionSubmit regions pending=create.pending() label="Add domain"/>
            </ActionForm>
        </section>
        <section class="card">
            <h2>"Add an email address"</h2>
            <ActionForm action=create_email>
                <Field label="Email address" name="email" kind="email" hint="We send it a link; opening the link within 24 hours verifies it." error=field_error(create_email, "email")/>
                <div class="field">
                    <label for="field-email-region">"Region"</label>
                    <select id="field-email-region" name="region"><RegionOptions regions/></select>
                    <p class="field-error">{move || field_error(create_email, "region").get()}</p>
                </div>
                <FormError action=create_email/>
                <RegionSubmit regions pending=create_email.pending() label="Add email address"/>
            </ActionForm>
        </section>
    }
}

/// Navigates to the identity an action has just created.
fn open_created<S>(action: ServerAction<S>)
where
    S: ServerFn<Output = IdentitySummary, Error = AppError> + Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(created)) = action.value().get() {
            use_navigate()(
                &format!("/identities/{}", created.identity_id),
                Default::default(),
            );
        }
    });
}
