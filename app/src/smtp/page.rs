use leptos::prelude::*;

use super::{
    examples::{python, swaks, Example},
    get_smtp_settings, SmtpEndpoint,
};
use crate::{
    access_keys::{CreateAccessKey, NewAccessKey},
    accounts::{account_regions, RegionOptions, RegionSubmit},
    components::{field_error, CopyValue, FormError, LoadError},
    sending::{list_send_as, SendAs, SendAsPicker},
};

/// `/smtp`: how to send through the SMTP interface — host, ports, TLS, my SMTP user names,
/// new SMTP credentials (shown once) and copyable examples.
#[component]
pub fn SmtpSettingsPage() -> impl IntoView {
    let create = ServerAction::<CreateAccessKey>::new();
    let settings = Resource::new(move || create.version().get(), |_| get_smtp_settings());
    let send_as = Resource::new(|| (), |_| list_send_as());
    let regions = account_regions();
    view! {
        <h1>"SMTP settings"</h1>
        <p class="muted">"Mail libraries, CMSs and marketing tools that only speak SMTP can send through Sesame's SES-compatible SMTP interface. Messages go through the same checks as the API (sending authorization, verification, sandbox, quota); to send from an identity another account shared with you, add an X-SES-SOURCE-ARN (or X-SES-FROM-ARN, X-SES-RETURN-PATH-ARN) header — Sesame removes it before delivery."</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let identities = send_as.await.unwrap_or_default();
                match settings.await {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(s) => {
                        let user_names = s.user_names.clone();
                        view! {
                            <Endpoint endpoint=s.endpoint.clone()/>
                            <section class="card">
                                <h2>"Credentials"</h2>
                                <p>"The SMTP user name is an access key id; the password is derived from the key's secret for one region, and the region whose password you use is the region you send in. Passwords are shown once, when created."</p>
                                {if user_names.is_empty() {
                                    view! { <p data-testid="smtp-no-users">"You have no active access keys yet: create SMTP credentials below."</p> }.into_any()
                                } else {
                                    view! {
                                        <ul data-testid="smtp-user-names">
                                            {user_names.into_iter().map(|name| view! { <li><code>{name}</code></li> }).collect_view()}
                                        </ul>
                                    }.into_any()
                                }}
                            </section>
                            <Examples endpoint=s.endpoint user=s.user_names.first().cloned() created=create.value().get().and_then(Result::ok) identities/>
                        }.into_any()
                    }
                }
            })}
        </Transition>
        <section class="card">
            <h2>"Create SMTP credentials"</h2>
            <p class="muted">"Creates an access key (at most two are active) and shows its SMTP password for the region you pick."</p>
            {move || create.value().get().and_then(Result::ok).map(|key| view! { <NewCredentials key/> })}
            <ActionForm action=create>
                <div class="field">
                    <label for="field-smtp-region">"Region"</label>
                    <select id="field-smtp-region" name="region"><RegionOptions regions/></select>
                    <p class="field-error">{move || field_error(create, "region").get()}</p>
                </div>
                <FormError action=create/>
                <RegionSubmit regions pending=create.pending() label="Create SMTP credentials"/>
            </ActionForm>
        </section>
    }
}

#[component]
fn Endpoint(endpoint: SmtpEndpoint) -> impl IntoView {
    let list = |ports: &[u16]| match ports {
        [] => "not enabled".to_owned(),
        ports => ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    };
    let megabytes = endpoint.max_message_bytes / (1024 * 1024);
    view! {
        <section class="card">
            <h2>"Server"</h2>
            <dl class="facts">
                <dt>"Host"</dt><dd><code data-testid="smtp-host">{endpoint.host}</code></dd>
                <dt>"STARTTLS ports"</dt><dd data-testid="smtp-starttls-ports">{list(&endpoint.starttls_ports)}</dd>
                <dt>"TLS ports"</dt><dd data-testid="smtp-tls-ports">{list(&endpoint.tls_ports)}</dd>
                <dt>"Authentication"</dt><dd>"AUTH PLAIN or LOGIN, only after TLS"</dd>
                <dt>"Largest message"</dt><dd>{format!("{megabytes} MB, 50 recipients")}</dd>
            </dl>
        </section>
    }
}

#[component]
fn NewCredentials(key: NewAccessKey) -> impl IntoView {
    view! {
        <div class="secret" role="status">
            <p><strong>"This is the only time this SMTP password is shown."</strong>" Copy it now; if you lose it, create new credentials."</p>
            <CopyValue label="SMTP user name" value=key.access_key_id test_id="smtp-new-user"/>
            <CopyValue label=format!("SMTP password ({})", key.smtp_region) value=key.smtp_password test_id="smtp-new-password"/>
        </div>
    }
}

/// swaks and Python, for the first port of each kind; with new credentials, filled in; as
/// the identity picked (own, or shared: then with its X-SES-SOURCE-ARN header).
#[component]
fn Examples(
    endpoint: SmtpEndpoint,
    user: Option<String>,
    created: Option<NewAccessKey>,
    identities: Vec<SendAs>,
) -> impl IntoView {
    let (user, password) = match created {
        Some(key) => (key.access_key_id, key.smtp_password),
        None => (
            user.unwrap_or_else(|| "ACCESS_KEY_ID".to_owned()),
            "SMTP_PASSWORD".to_owned(),
        ),
    };
    let (port, implicit_tls) = match (endpoint.starttls_ports.first(), endpoint.tls_ports.first()) {
        (Some(&port), _) => (port, false),
        (None, Some(&port)) => (port, true),
        (None, None) => return ().into_any(),
    };
    let (picked, set_picked) = signal(0usize);
    let choices = identities.clone();
    let examples = move || {
        let identity = identities.get(picked.get());
        let from = identity.map_or_else(|| "sender@example.com".to_owned(), SendAs::example_from);
        let example = Example {
            host: &endpoint.host,
            port,
            implicit_tls,
            user: &user,
            password: &password,
            from: &from,
            source_arn: identity.and_then(SendAs::source_arn),
        };
        view! {
            <CopyValue label="swaks" value=swaks(&example) test_id="smtp-example-swaks" block=true/>
            <CopyValue label="Python" value=python(&example) test_id="smtp-example-python" block=true/>
        }
    };
    view! {
        <section class="card">
            <h2>"Examples"</h2>
            <SendAsPicker id="field-example-identity" identities=choices picked=set_picked/>
            {examples}
        </section>
    }
    .into_any()
}
