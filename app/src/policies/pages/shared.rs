use leptos::prelude::*;

use crate::{
    components::{loaded, AccountRef, CopyValue},
    identities::StatusBadge,
    policies::{
        list_shared_identities, list_withdrawn_grants, Effect, Grant, SharedIdentity,
        WithdrawnGrant, WITHDRAWALS_SHOWN_DAYS,
    },
};

/// `/shared`: the identities other accounts let this account send as, with what each
/// grant allows and the ARN to pass when sending.
#[component]
pub fn SharedWithMePage() -> impl IntoView {
    let shared = Resource::new(|| (), |_| list_shared_identities());
    view! {
        <h1>"Shared with me"</h1>
        <p class="muted">"Identities of other accounts whose sending authorization policies name your account or one of its users. Pass the ARN as SourceArn, FromArn or ReturnPathArn (or FromEmailAddressIdentityArn in API v2) when you send."</p>
        {loaded(shared, |identities: Vec<SharedIdentity>| {
            if identities.is_empty() {
                return view! { <p>"No identity is shared with you yet."</p> }.into_any();
            }
            identities.into_iter().map(|identity| view! {
                <section class="card" data-testid=format!("shared-{}", identity.name)>
                    <h2>{identity.name.clone()}</h2>
                    <dl class="facts">
                        <dt>"Owner"</dt><dd><AccountRef id=identity.owner_account name=Some(identity.owner_name)/></dd>
                        <dt>"Region"</dt><dd>{identity.region}</dd>
                        <dt>"Type"</dt><dd>{identity.kind.label()}</dd>
                        <dt>"Status"</dt><dd><StatusBadge status=identity.status/></dd>
                        <dt>"Grant last changed"</dt><dd data-testid="grants-changed">{identity.grants_changed}</dd>
                    </dl>
                    <CopyValue label="ARN" value=identity.arn/>
                    <ul class="grants">
                        {identity.grants.into_iter().map(|g| view! { <GrantItem grant=g/> }).collect_view()}
                    </ul>
                </section>
            }).collect_view().into_any()
        })}
        <WithdrawnGrants/>
    }
}

/// Policies that named the caller and lately stopped: withdrawn grants (or lifted denials).
#[component]
fn WithdrawnGrants() -> impl IntoView {
    let withdrawn = Resource::new(|| (), |_| list_withdrawn_grants());
    view! {
        {loaded(withdrawn, |grants: Vec<WithdrawnGrant>| {
            (!grants.is_empty()).then(|| view! {
                <h2>"No longer shared"</h2>
                <p class="muted">{format!("Policies of other accounts' identities that named your account and stopped in the past {WITHDRAWALS_SHOWN_DAYS} days. Sending as an identity whose Allow went is refused unless another of its policies still allows it.")}</p>
                <div class="table-scroll">
                    <table data-testid="withdrawn-grants">
                        <thead><tr><th>"When"</th><th>"Identity"</th><th>"Owner"</th><th>"Policy"</th><th>"What happened"</th></tr></thead>
                        <tbody>
                            {grants.into_iter().map(|g| view! {
                                <tr>
                                    <td class="nowrap">{g.when}</td>
                                    <td class="wrap"><code>{g.arn}</code></td>
                                    <td><AccountRef id=g.owner_account name=(!g.owner_name.is_empty()).then_some(g.owner_name)/></td>
                                    <td>{g.policy}</td>
                                    <td>{g.what}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        })}
    }
}

#[component]
fn GrantItem(grant: Grant) -> impl IntoView {
    let (class, verb) = match grant.effect {
        Effect::Allow => ("grant allow", "Allows"),
        Effect::Deny => ("grant deny", "Denies"),
    };
    let statement = match &grant.sid {
        Some(sid) => format!("statement {sid} of policy {}", grant.policy),
        None => format!("a statement of policy {}", grant.policy),
    };
    let conditions = if grant.conditions.is_empty() {
        view! { <p class="muted">"No conditions."</p> }.into_any()
    } else {
        view! {
            <ul class="conditions">
                {grant.conditions.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <li class=class>
            <p><strong>{verb}</strong> " " <code>{grant.principal}</code> " " {grant.actions.join(", ")} <span class="muted">" (" {statement} ")"</span></p>
            {conditions}
        </li>
    }
}
