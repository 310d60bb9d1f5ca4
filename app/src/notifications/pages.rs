use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    get_destination, list_configuration_sets, list_identity_destinations, AddDestination,
    AddIdentityDestination, ConfigurationSet, CreateConfigurationSet, DeleteConfigurationSet,
    DeleteDestination, Delivery, Destination, DestinationDetail, Redeliver, SendTestEvent,
    SetDestinationEnabled, EVENT_TYPES,
};
use crate::{
    accounts::{account_regions, RegionOptions, RegionSubmit},
    components::{field_error, loaded, ConfirmSubmit, CopyValue, FormError},
};

/// `/configuration-sets`: my configuration sets and their webhook destinations.
#[component]
pub fn ConfigurationSetsPage() -> impl IntoView {
    let create = ServerAction::<CreateConfigurationSet>::new();
    let delete = ServerAction::<DeleteConfigurationSet>::new();
    let add = ServerAction::<AddDestination>::new();
    let sets = Resource::new(
        move || {
            (
                create.version().get(),
                delete.version().get(),
                add.version().get(),
            )
        },
        |_| list_configuration_sets(),
    );
    let regions = account_regions();
    view! {
        <h1>"Configuration sets"</h1>
        <p class="muted">"Name a configuration set on a send (ConfigurationSetName, or an X-SES-CONFIGURATION-SET header over SMTP) and its event destinations receive that message's events — also when you send from an identity another account shared with you. Webhooks are signed (HMAC-SHA256 over timestamp and body) and retried for over a day with the same event id."</p>
        {move || add.value().get().and_then(Result::ok).filter(|n| !n.signing_key.is_empty()).map(|new| view! {
            <section class="card secret" role="status">
                <h2>"Webhook added"</h2>
                <p><strong>"This is the only time the signing key is shown."</strong>" Receivers check X-Sesame-Signature (v1=HMAC-SHA256 of `<X-Sesame-Timestamp>.<body>` with this key)."</p>
                <CopyValue label="Signing key" value=new.signing_key test_id="new-signing-key"/>
                <p><A href=format!("/event-destinations/{}", new.destination_id)>"Open the destination"</A></p>
            </section>
        })}
        <FormError action=delete/>
        {loaded(sets, move |sets: Vec<ConfigurationSet>| {
            if sets.is_empty() {
                return view! { <p>"No configuration sets yet."</p> }.into_any();
            }
            sets.into_iter().map(|set| view! { <SetCard set add delete/> }).collect_view().into_any()
        })}
        <section class="card">
            <h2>"Create a configuration set"</h2>
            <ActionForm action=create>
                <div class="field">
                    <label for="field-set-region">"Region"</label>
                    <select id="field-set-region" name="region"><RegionOptions regions/></select>
                    <p class="field-error">{move || field_error(create, "region").get()}</p>
                </div>
                <div class="field">
                    <label for="field-set-name">"Name"</label>
                    <input id="field-set-name" name="name" required/>
                    <p class="field-error">{move || field_error(create, "name").get()}</p>
                </div>
                <FormError action=create/>
                <RegionSubmit regions pending=create.pending() label="Create configuration set"/>
            </ActionForm>
        </section>
    }
}

#[component]
fn SetCard(
    set: ConfigurationSet,
    add: ServerAction<AddDestination>,
    delete: ServerAction<DeleteConfigurationSet>,
) -> impl IntoView {
    let (region, name) = (set.region.clone(), set.name.clone());
    let (delete_region, delete_name) = (region.clone(), name.clone());
    view! {
        <section class="card" data-testid="configuration-set">
            <h2>{set.name.clone()}" "<span class="muted">{set.region.clone()}</span></h2>
            <DestinationsTable destinations=set.destinations/>
            <details>
                <summary>"Add a destination"</summary>
                <ActionForm action=add>
                    <input type="hidden" name="region" value=region/>
                    <input type="hidden" name="configuration_set" value=name.clone()/>
                    <EndpointFields id_prefix=format!("set-{name}") event_types=&EVENT_TYPES error=move |f| field_error(add, f).get()/>
                    <FormError action=add/>
                    <button type="submit" disabled=move || add.pending().get()>"Add destination"</button>
                </ActionForm>
            </details>
            <ActionForm action=delete>
                <input type="hidden" name="region" value=delete_region/>
                <input type="hidden" name="name" value=delete_name.clone()/>
                <ConfirmSubmit label="Delete configuration set"
                    question=format!("Delete the configuration set {delete_name} and its destinations? Sends that name it are refused from then on.")
                    confirm=format!("Yes, delete {delete_name}")/>
            </ActionForm>
        </section>
    }
}

/// Destinations, each linking to its page.
#[component]
fn DestinationsTable(destinations: Vec<Destination>) -> impl IntoView {
    if destinations.is_empty() {
        return view! { <p>"No destinations."</p> }.into_any();
    }
    view! {
        <table>
            <thead><tr><th>"Destination"</th><th>"Sends to"</th><th>"Events"</th><th>"State"</th></tr></thead>
            <tbody>
                {destinations.into_iter().map(|d| view! {
                    <tr data-testid="destination">
                        <td><A href=format!("/event-destinations/{}", d.destination_id)>{d.name}</A></td>
                        <td><code>{d.target}</code></td>
                        <td>{d.event_types.join(", ")}</td>
                        <td>{if d.enabled { "Enabled" } else { "Disabled" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// A destination's name, its webhook URL or email address, and the events it wants.
#[component]
fn EndpointFields(
    id_prefix: String,
    event_types: &'static [&'static str],
    error: impl Fn(&'static str) -> Option<String> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (name_id, url_id, email_id) = (
        format!("{id_prefix}-name"),
        format!("{id_prefix}-url"),
        format!("{id_prefix}-email"),
    );
    view! {
        <div class="field">
            <label for=name_id.clone()>"Destination name"</label>
            <input id=name_id name="name" required/>
            <p class="field-error">{move || error("name")}</p>
        </div>
        <div class="field">
            <label for=url_id.clone()>"Webhook URL"</label>
            <input id=url_id name="url" type="url" placeholder="https://hooks.example.com/ses"/>
            <p class="field-error">{move || error("url")}</p>
        </div>
        <div class="field">
            <label for=email_id.clone()>"or email address"</label>
            <input id=email_id name="email" type="email"/>
            <p class="field-error">{move || error("email")}</p>
        </div>
        <fieldset>
            <legend>"Events"</legend>
            {event_types.iter().map(|t| {
                let field = field_name(t);
                view! { <label class="check"><input type="checkbox" name=field checked=*t != "Send"/>" "{*t}</label> }
            }).collect_view()}
            <p class="field-error">{move || error("event_types")}</p>
        </fieldset>
    }
}

/// An identity's own destinations (the owner's Notifications tab).
#[component]
pub fn IdentityDestinations(identity_id: String) -> impl IntoView {
    let add = ServerAction::<AddIdentityDestination>::new();
    let id = identity_id.clone();
    let destinations = Resource::new(
        move || (id.clone(), add.version().get()),
        |(id, _)| async move {
            match uuid::Uuid::parse_str(&id) {
                Ok(id) => list_identity_destinations(id).await,
                Err(_) => Ok(Vec::new()),
            }
        },
    );
    view! {
        <section class="card">
            <h2>"Notification destinations"</h2>
            <p>"Bounces, complaints and deliveries of every message sent from this identity — yours and your delegates' — go to these webhooks and addresses (one of your delegates' endpoints, if you like). With destinations for both bounces and complaints, feedback forwarding can be turned off."</p>
            {loaded(destinations, |list: Vec<Destination>| view! { <DestinationsTable destinations=list/> })}
            {move || add.value().get().and_then(Result::ok).filter(|n| !n.signing_key.is_empty()).map(|new| view! {
                <div class="secret" role="status">
                    <p><strong>"This is the only time the signing key is shown."</strong></p>
                    <CopyValue label="Signing key" value=new.signing_key test_id="new-identity-signing-key"/>
                </div>
            })}
            <details>
                <summary>"Add a destination"</summary>
                <ActionForm action=add>
                    <input type="hidden" name="identity_id" value=identity_id/>
                    <EndpointFields id_prefix="identity".to_owned() event_types=&IDENTITY_EVENT_TYPES error=move |f| field_error(add, f).get()/>
                    <FormError action=add/>
                    <button type="submit" disabled=move || add.pending().get()>"Add destination"</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// What an identity's notifications carry (SES's identity topics).
const IDENTITY_EVENT_TYPES: [&str; 3] = ["Bounce", "Complaint", "Delivery"];

/// `DeliveryDelay` → `delivery_delay`, the server function's field.
fn field_name(event_type: &str) -> String {
    let mut out = String::new();
    for (i, c) in event_type.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `/event-destinations/:id`: a webhook's state, a test event, and its deliveries with
/// every attempt (status, latency, the start of the answer), each redeliverable.
#[component]
pub fn DestinationPage() -> impl IntoView {
    let params = use_params_map();
    let toggle = ServerAction::<SetDestinationEnabled>::new();
    let redeliver = ServerAction::<Redeliver>::new();
    let test = ServerAction::<SendTestEvent>::new();
    let delete = ServerAction::<DeleteDestination>::new();
    let detail = Resource::new(
        move || {
            (
                params.read().get("id").unwrap_or_default(),
                toggle.version().get(),
                redeliver.version().get(),
            )
        },
        |(id, ..)| get_destination(id),
    );
    view! {
        <p><A href="/configuration-sets">"← Configuration sets"</A></p>
        {loaded(detail, move |d: DestinationDetail| {
            let id = d.destination.destination_id.clone();
            let (id_toggle, id_test, id_delete) = (id.clone(), id.clone(), id.clone());
            let enabled = d.destination.enabled;
            view! {
                <h1>"Destination " {d.destination.name.clone()}</h1>
                {d.destination.disabled_reason.clone().map(|reason| view! {
                    <p class="form-error" role="alert" data-testid="disabled-notice">{reason}</p>
                })}
                <dl class="facts">
                    <dt>"Belongs to"</dt><dd>{d.scope.clone()}</dd>
                    <dt>{if d.destination.email { "Email address" } else { "Webhook URL" }}</dt><dd><code>{d.destination.target.clone()}</code></dd>
                    <dt>"Events"</dt><dd>{d.destination.event_types.join(", ")}</dd>
                    <dt>"State"</dt><dd data-testid="destination-state">{if enabled { "Enabled" } else { "Disabled" }}</dd>
                    <dt>"Failures in a row"</dt><dd>{d.destination.consecutive_failures}</dd>
                </dl>
                <div class="actions">
                    <ActionForm action=toggle>
                        <input type="hidden" name="destination_id" value=id_toggle/>
                        <input type="hidden" name="enabled" value=if enabled { "false" } else { "true" }/>
                        <button type="submit" class="secondary">{if enabled { "Disable" } else { "Enable" }}</button>
                    </ActionForm>
                    <ActionForm action=test>
                        <input type="hidden" name="destination_id" value=id_test/>
                        <button type="submit" class="secondary">"Send test event"</button>
                    </ActionForm>
                    <ActionForm action=delete>
                        <input type="hidden" name="destination_id" value=id_delete/>
                        <ConfirmSubmit label="Delete"
                            question=format!("Delete the destination {}? Its pending notifications are dropped.", d.destination.name)
                            confirm="Yes, delete this destination"/>
                    </ActionForm>
                </div>
                {move || test.value().get().map(|r| match r {
                    Ok(r) => view! {
                        <p role="status" data-testid="test-result">
                            {match r.http_status { Some(s) => format!("HTTP {s}"), None => "No answer".to_owned() }}
                            {format!(" in {} ms: {}", r.latency_ms, r.response)}
                        </p>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
                <h2>"Deliveries"</h2>
                {if d.deliveries.is_empty() {
                    view! { <p>"No deliveries yet."</p> }.into_any()
                } else {
                    d.deliveries.into_iter().map(|delivery| view! { <DeliveryCard delivery redeliver/> }).collect_view().into_any()
                }}
            }
        })}
    }
}

#[component]
fn DeliveryCard(delivery: Delivery, redeliver: ServerAction<Redeliver>) -> impl IntoView {
    let id = delivery.notification_id.clone();
    view! {
        <details class="delivery" data-testid="delivery">
            <summary>
                <strong>{delivery.event_type}</strong>" · "<span data-testid="delivery-status">{delivery.status}</span>
                " · "{delivery.attempts.len()}" attempt(s) · "{delivery.created}" · event "<code>{delivery.event_id}</code>
            </summary>
            <p>"Message " <A href=format!("/messages/{}", delivery.message_id)><code>{delivery.message_id.clone()}</code></A></p>
            <table>
                <thead><tr><th>"When"</th><th>"HTTP"</th><th>"Latency"</th><th>"Answer"</th></tr></thead>
                <tbody>
                    {delivery.attempts.into_iter().map(|a| view! {
                        <tr data-testid="attempt">
                            <td>{a.at}</td>
                            <td>{a.http_status.map_or_else(|| "—".to_owned(), |s| s.to_string())}</td>
                            <td>{format!("{} ms", a.latency_ms)}</td>
                            <td><code>{a.response}</code></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ActionForm action=redeliver>
                <input type="hidden" name="notification_id" value=id/>
                <button type="submit" class="secondary">"Redeliver"</button>
            </ActionForm>
        </details>
    }
}
