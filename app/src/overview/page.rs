use leptos::prelude::*;
use leptos_router::components::A;

use super::{get_overview, Overview, OwnedIdentity, Step};
use crate::{
    accounts::RegionLimits,
    components::{loaded, AccountRef, CopyButton},
    identities::StatusBadge,
    policies::SharedIdentity,
    reputation::EnforcementStatus,
};

/// `/overview`: the account's home after sign-in.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <h1>"Overview"</h1>
        {loaded(overview, |o: Overview| {
            let id = o.account_id.to_string();
            let steps = o.steps();
            view! {
                <p class="account-line">
                    <strong>{o.account_name.clone()}</strong>" · account id "
                    <code data-testid="account-id">{id.clone()}</code>" "
                    <CopyButton what="account id" text=id/>
                    <span class="muted">" — give partners this id to be named in their policies."</span>
                </p>
                {steps.iter().any(|(_, done)| !done).then(|| view! { <GettingStarted steps=steps.clone() overview=o.clone()/> })}
                <div class="cards">
                    <OwnedCard identities=o.identities/>
                    <SharedCard shared=o.shared/>
                    <SendingCard regions=o.regions spend=o.spend_this_month currency=o.currency/>
                </div>
            }
        })}
    }
}

/// The getting-started checklist; the first step not done is the one to take.
#[component]
fn GettingStarted(steps: Vec<(Step, bool)>, overview: Overview) -> impl IntoView {
    let next = steps.iter().position(|(_, done)| !done);
    // Where the partner step happens: the first verified identity's Authorization tab.
    let verified = overview
        .identities
        .iter()
        .find(|o| o.identity.status == crate::identities::VerificationStatus::Success)
        .map(|o| format!("/identities/{}", o.identity.identity_id));
    view! {
        <section class="card getting-started" aria-labelledby="getting-started">
            <h2 id="getting-started">"Getting started"</h2>
            <ol class="steps">
                {steps.into_iter().enumerate().map(|(i, (step, done))| {
                    let state = if done { "done" } else if Some(i) == next { "next" } else { "todo" };
                    view! {
                        <li class=format!("step {state}") data-testid="step" data-step=format!("{step:?}") data-state=state>
                            <StepText step verified=verified.clone()/>
                            {done.then(|| view! { <span class="badge ok">"Done"</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn StepText(step: Step, verified: Option<String>) -> impl IntoView {
    match step {
        Step::Verify => view! {
            <strong>"Verify a domain you own"</strong>
            <span>" — add it, publish the DNS records it shows, and it verifies by itself. "
                <A href="/identities">"Add a domain"</A></span>
        }
        .into_any(),
        Step::AuthorizePartner => view! {
            <strong>"Authorize a partner"</strong>
            <span>" — on the identity's Authorization tab, generate a policy naming the partner's account id. "
                <A href=verified.unwrap_or_else(|| "/identities".to_owned())>"Write a policy"</A></span>
        }
        .into_any(),
        Step::GetShared => view! {
            <strong>"An identity is shared with you"</strong>
            <span>" — its owner's policy names your account."</span>
        }
        .into_any(),
        Step::Send => view! {
            <strong>"Send"</strong>
            <span>" — from the console, with the AWS CLI or an SDK (an access key), or over SMTP. "
                <A href="/send">"Send a first test email"</A></span>
        }
        .into_any(),
    }
}

/// The identities this account owns, their status and the partners their policies name.
#[component]
fn OwnedCard(identities: Vec<OwnedIdentity>) -> impl IntoView {
    view! {
        <section class="card" data-testid="owned">
            <h2>"Your identities"</h2>
            {if identities.is_empty() {
                view! { <p class="muted">"You own no identity yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="overview-list">
                        {identities.into_iter().map(|o| {
                            let partners = match o.partners {
                                0 => "no partner".to_owned(),
                                1 => "1 partner".to_owned(),
                                n => format!("{n} partners"),
                            };
                            view! {
                                <li>
                                    <A href=format!("/identities/{}", o.identity.identity_id)>{o.identity.name}</A>" "
                                    <StatusBadge status=o.identity.status/>
                                    <span class="muted">" "{o.identity.region}" · "{partners}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The identities other accounts let this one send as, and whose they are.
#[component]
fn SharedCard(shared: Vec<SharedIdentity>) -> impl IntoView {
    view! {
        <section class="card" data-testid="shared">
            <h2>"Shared with you"</h2>
            {if shared.is_empty() {
                view! { <p class="muted">"No other account shares an identity with you yet. Give a partner your account id to be named in their policy."</p> }.into_any()
            } else {
                view! {
                    <ul class="overview-list">
                        {shared.into_iter().map(|s| view! {
                            <li>
                                <strong>{s.name}</strong>" "<StatusBadge status=s.status/>
                                <span class="muted">" "{s.region}" · from "</span>
                                <AccountRef id=s.owner_account name=Some(s.owner_name)/>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p><A href="/shared">"What each grant allows"</A></p>
                }.into_any()
            }}
        </section>
    }
}

/// Today's sending per region (quota used, sandbox, reputation) and this month's spend.
#[component]
fn SendingCard(regions: Vec<RegionLimits>, spend: String, currency: String) -> impl IntoView {
    view! {
        <section class="card" data-testid="sending">
            <h2>"Sending"</h2>
            <dl class="facts">
                <dt>"Spend this month"</dt><dd data-testid="spend">{spend}" "{currency}</dd>
                {regions.into_iter().map(|r| {
                    let status = EnforcementStatus::parse(&r.enforcement_status).unwrap_or(EnforcementStatus::Healthy);
                    let mode = if r.sandbox { "sandbox" } else { "production" };
                    view! {
                        <dt>{r.region.clone()}</dt>
                        <dd data-testid=format!("today-{}", r.region)>
                            {format!("{} of {} recipients in 24 hours · {mode} ", r.sent_last_24_hours, r.max_24_hour_send)}
                            <span class=status.badge_class()>{status.label()}</span>
                        </dd>
                    }
                }).collect_view()}
            </dl>
        </section>
    }
}
