use std::time::Duration;

use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use uuid::Uuid;

use crate::{
    audit::IdentityHistory,
    components::{reload_on_change, ConfirmSubmit, CopyValue, FormError, LoadError},
    delegates::DelegateActivityTab,
    identities::{
        get_identity, CheckIdentityNow, DeleteIdentity, IdentityDetail, IdentityKind,
        ResendVerificationEmail, RestartVerification, SetDevZonePublication, SetFeedbackForwarding,
        StatusBadge, VerificationMail, VerificationStatus,
    },
    notifications::IdentityDestinations,
    policies::AuthorizationTab,
};

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Verification,
    Dkim,
    Authorization,
    Notifications,
    DelegateActivity,
    History,
}

const TABS: [(Tab, &str); 6] = [
    (Tab::Verification, "Verification"),
    (Tab::Dkim, "DKIM"),
    (Tab::Authorization, "Authorization"),
    (Tab::Notifications, "Notifications"),
    (Tab::DelegateActivity, "Delegate activity"),
    (Tab::History, "History"),
];

/// The actions of the identity page; any of them completing reloads the identity.
#[derive(Clone, Copy)]
struct Actions {
    check: ServerAction<CheckIdentityNow>,
    restart: ServerAction<RestartVerification>,
    dev_zone: ServerAction<SetDevZonePublication>,
    forwarding: ServerAction<SetFeedbackForwarding>,
    resend: ServerAction<ResendVerificationEmail>,
    delete: ServerAction<DeleteIdentity>,
}

/// `/identities/:id`: records to publish, live check, DKIM, notifications.
#[component]
pub fn IdentityPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<Uuid>().ok());
    let actions = Actions {
        check: ServerAction::new(),
        restart: ServerAction::new(),
        dev_zone: ServerAction::new(),
        forwarding: ServerAction::new(),
        resend: ServerAction::new(),
        delete: ServerAction::new(),
    };
    // While the identity is Pending, its status is asked for every 3 seconds; the page
    // reloads when it changes (verified by the worker, or failed).
    let watched = RwSignal::new(None::<VerificationStatus>);
    let changed = reload_on_change(Duration::from_secs(3), watched, move || {
        let id = params
            .read_untracked()
            .get("id")
            .and_then(|s| s.parse::<Uuid>().ok());
        async move { Some(get_identity(id?).await.ok()?.summary.status) }
    });
    let identity = Resource::new(
        move || {
            (
                id(),
                changed.get(),
                actions.check.version().get(),
                actions.restart.version().get(),
                actions.dev_zone.version().get(),
                actions.forwarding.version().get(),
                actions.resend.version().get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => get_identity(id).await,
                None => Err(crate::error::AppError::not_found("Identity")),
            }
        },
    );
    let (tab, set_tab) = signal(Tab::Verification);
    // A deleted identity leaves the screen: back to the list, which says so.
    Effect::new(move |_| {
        if matches!(actions.delete.value().get(), Some(Ok(()))) {
            use_navigate()("/identities?deleted", Default::default());
        }
    });
    view! {
        <p><A href="/identities">"← Identities"</A></p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let loaded = identity.await;
                watched.set(None);
                match loaded {
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
                    Ok(detail) => {
                        let name = detail.summary.name.clone();
                        let arn = detail.summary.arn.clone();
                        let status = detail.summary.status;
                        watched.set((status == VerificationStatus::Pending).then_some(status));
                        let id = detail.summary.identity_id.to_string();
                        let deleting = format!("Delete {name}? Its policies, DKIM keys and destinations go with it, and nobody can send as it any more.");
                        view! {
                        <h1>{name}</h1>
                        <p class="muted"><code>{arn}</code></p>
                        <p>"Status: " <StatusBadge status/></p>
                        <div class="tabs" role="tablist">
                            {TABS.into_iter().map(|(t, label)| view! {
                                <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == t).to_string() on:click=move |_| set_tab.set(t)>{label}</button>
                            }).collect_view()}
                        </div>
                        {move || match tab.get() {
                            Tab::Verification if detail.summary.kind == IdentityKind::EmailAddress => view! { <EmailVerificationTab detail=detail.clone() actions/> }.into_any(),
                            Tab::Verification => view! { <VerificationTab detail=detail.clone() actions/> }.into_any(),
                            Tab::Dkim => view! { <DkimTab detail=detail.clone()/> }.into_any(),
                            Tab::Authorization => view! { <AuthorizationTab identity_id=detail.summary.identity_id arn=detail.summary.arn.clone()/> }.into_any(),
                            Tab::Notifications => view! { <NotificationsTab detail=detail.clone() actions/> }.into_any(),
                            Tab::DelegateActivity => view! { <DelegateActivityTab identity_id=detail.summary.identity_id/> }.into_any(),
                            Tab::History => view! { <IdentityHistory identity_id=detail.summary.identity_id/> }.into_any(),
                        }}
                        <section class="card danger-zone">
                            <ActionForm action=actions.delete>
                                <input type="hidden" name="identity_id" value=id/>
                                <ConfirmSubmit label="Delete identity"
                                    question=deleting
                                    confirm="Yes, delete this identity"/>
                            </ActionForm>
                            <FormError action=actions.delete/>
                        </section>
                    }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn VerificationTab(detail: IdentityDetail, actions: Actions) -> impl IntoView {
    let id = detail.summary.identity_id.to_string();
    let (id_check, id_zone, id_restart) = (id.clone(), id.clone(), id);
    let failed = detail.summary.status == VerificationStatus::Failed;
    let checked = detail.last_checked.map_or_else(
        || "Not checked yet.".to_owned(),
        |t| format!("Last checked {t}."),
    );
    // Withdrawing stays possible for records published before the zone's scope narrowed.
    let zone_button = (detail.dev_zone_available || detail.dev_zone).then(|| {
        let (label, publish) = if detail.dev_zone {
            ("Remove from dev zone", "false")
        } else {
            ("Publish to dev zone", "true")
        };
        view! {
            <ActionForm action=actions.dev_zone>
                <input type="hidden" name="identity_id" value=id_zone/>
                <input type="hidden" name="publish" value=publish/>
                <button type="submit" class="secondary">{label}</button>
            </ActionForm>
        }
    });
    let restart_button = failed.then(|| {
        view! {
            <ActionForm action=actions.restart>
                <input type="hidden" name="identity_id" value=id_restart/>
                <button type="submit" class="secondary">"Restart verification"</button>
            </ActionForm>
        }
    });
    view! {
        <section class="card">
            <h2>"DNS records"</h2>
            <p class="muted">"Publish either record; one is enough to verify the domain."</p>
            {detail.verification_deadline.map(|d| view! { <p>"Verification fails if no record is found by " {d} "."</p> })}
            {detail.records.into_iter().map(|r| {
                let found = if r.found { "Found in DNS" } else { "Not found yet" };
                view! {
                    <div class="record" data-testid=format!("record-{}", r.purpose.to_lowercase())>
                        <h3>{r.purpose.clone()} " (" {r.record_type.clone()} ") — " <span class=if r.found { "found" } else { "missing" }>{found}</span></h3>
                        <CopyValue label="Name" value=r.name/>
                        <CopyValue label="Name in your zone" value=r.relative_name/>
                        <CopyValue label="Value" value=r.value/>
                    </div>
                }
            }).collect_view()}
            <h3>"What the resolver answered"</h3>
            <p class="muted">{checked}</p>
            <ul class="answers">
                {detail.last_answers.into_iter().map(|a| view! { <li><code>{a}</code></li> }).collect_view()}
            </ul>
            <div class="button-row">
                <ActionForm action=actions.check>
                    <input type="hidden" name="identity_id" value=id_check/>
                    <button type="submit" disabled=move || actions.check.pending().get()>"Check now"</button>
                </ActionForm>
                {zone_button}
                {restart_button}
            </div>
            <FormError action=actions.check/>
            <FormError action=actions.dev_zone/>
        </section>
    }
}

#[component]
fn EmailVerificationTab(detail: IdentityDetail, actions: Actions) -> impl IntoView {
    let id = detail.summary.identity_id.to_string();
    let pending = detail.summary.status == VerificationStatus::Pending;
    view! {
        <section class="card">
            <h2>"Verification link"</h2>
            {if pending {
                view! { <p>"We sent a link to " <strong>{detail.summary.name.clone()}</strong> ". Open it by " {detail.verification_deadline.unwrap_or_default()} " to verify the address."</p> }.into_any()
            } else {
                view! { <p>"The address is " {detail.summary.status.as_str()} "."</p> }.into_any()
            }}
            {detail.verification_mail.map(|mail| view! { <VerificationMailFacts mail/> })}
            <ActionForm action=actions.resend>
                <input type="hidden" name="identity_id" value=id/>
                <button type="submit" class="secondary">"Resend the verification email"</button>
            </ActionForm>
            <Show when=move || matches!(actions.resend.value().get(), Some(Ok(())))>
                <p class="notice">"A new link was sent; earlier links no longer work."</p>
            </Show>
            <FormError action=actions.resend/>
        </section>
    }
}

/// Where the newest verification mail got to: delivered (to the address, or to the
/// Mailbox in sink mode), waiting for another attempt, or given up — with the last answer.
#[component]
fn VerificationMailFacts(mail: VerificationMail) -> impl IntoView {
    let in_mailbox = mail.remote_host.as_deref() == Some("sink");
    let status = match (mail.status.as_str(), mail.attempts) {
        ("Delivered", _) if in_mailbox => "Delivered to your Mailbox".to_owned(),
        ("Delivered", _) => "Delivered".to_owned(),
        ("Failed", _) => "Not delivered: the receiving server refused it, or kept deferring it until it was too old".to_owned(),
        (_, 0) => "Waiting to be sent".to_owned(),
        (_, 1) => "Being sent, or waiting to be tried again after one attempt".to_owned(),
        (_, n) => format!("Waiting to be tried again after {n} attempts"),
    };
    let reply = mail.last_reply.map(|reply| match mail.remote_host {
        Some(host) => format!("{host}: {reply}"),
        None => reply,
    });
    view! {
        <dl class="facts" data-testid="verification-mail">
            <dt>"Sent to"</dt><dd>{mail.to}</dd>
            <dt>"Queued"</dt><dd>{mail.queued}</dd>
            <dt>"Delivery"</dt><dd data-testid="verification-mail-status">{status}</dd>
            {reply.map(|r| view! { <dt>"Last answer"</dt><dd><code>{r}</code></dd> })}
        </dl>
        {in_mailbox.then(|| view! {
            <p class="muted">"This server delivers in sink mode (no mail leaves it), so the message is in your " <A href="/mailbox">"Mailbox"</A> "."</p>
        })}
    }
}

#[component]
fn DkimTab(detail: IdentityDetail) -> impl IntoView {
    let dkim = detail
        .records
        .into_iter()
        .find(|r| r.purpose == "DKIM")
        .map(|r| r.value);
    view! {
        <section class="card">
            <h2>"DKIM"</h2>
            <p>"Every message sent from this identity — by you or a delegate — is signed with this key."</p>
            <dl class="facts">
                <dt>"Selector"</dt><dd>{detail.dkim_selector.unwrap_or_default()}</dd>
                <dt>"Algorithm"</dt><dd>{detail.dkim_algorithm.unwrap_or_default()}</dd>
            </dl>
            {dkim.map(|value| view! { <CopyValue label="Public key record" value/> })}
        </section>
    }
}

#[component]
fn NotificationsTab(detail: IdentityDetail, actions: Actions) -> impl IntoView {
    let (label, value) = if detail.feedback_forwarding {
        ("Turn off", "false")
    } else {
        ("Turn on", "true")
    };
    let id = detail.summary.identity_id.to_string();
    view! {
        <section class="card">
            <h2>"Feedback forwarding"</h2>
            <p>"Bounce and complaint notifications are emailed to the sending address (Return-Path or Source)."</p>
            <p>"Feedback forwarding is " <strong data-testid="forwarding">{if detail.feedback_forwarding { "on" } else { "off" }}</strong> "."</p>
            <ActionForm action=actions.forwarding>
                <input type="hidden" name="identity_id" value=id/>
                <input type="hidden" name="enabled" value=value/>
                <button type="submit" class="secondary">{label}</button>
            </ActionForm>
            <FormError action=actions.forwarding/>
        </section>
        <IdentityDestinations identity_id=detail.summary.identity_id.to_string()/>
    }
}
