use leptos::prelude::*;

use super::{percent, review_cases, EnforcementStatus, ReviewCase, SetEnforcementStatus};
use crate::components::{loaded, FormError};

/// The console's accounts under review or paused, with the operator's three decisions
/// (the page owns the action, so its other tables follow a decision).
#[component]
pub fn ReviewQueue(decide: ServerAction<SetEnforcementStatus>) -> impl IntoView {
    let cases = Resource::new(move || decide.version().get(), |_| review_cases());
    view! {
        <h2>"Reputation: under review or paused"</h2>
        <FormError action=decide/>
        {loaded(cases, move |cases: Vec<ReviewCase>| {
            if cases.is_empty() {
                return view! { <p>"Every account is healthy."</p> }.into_any();
            }
            cases.into_iter().map(|c| view! { <CaseCard case=c decide/> }).collect_view().into_any()
        })}
    }
}

#[component]
fn CaseCard(case: ReviewCase, decide: ServerAction<SetEnforcementStatus>) -> impl IntoView {
    let id = case.account_id.to_string();
    let decisions = EnforcementStatus::ALL
        .into_iter()
        .filter(|s| *s != case.status)
        .map(|to| {
            let label = match to {
                EnforcementStatus::Healthy => "Reinstate (healthy)",
                EnforcementStatus::UnderReview => "Keep under review",
                EnforcementStatus::Paused => "Pause sending",
            };
            view! { <option value=to.as_str()>{label}</option> }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="review-case">
            <h3>{case.account_name}" "<code>{id.clone()}</code>" in "{case.region.clone()}": "{case.status.label()}</h3>
            <p class="muted">{format!("Since {} · bounce rate {} · complaint rate {} over {} counted sends",
                case.status_since, percent(case.rates.bounce_rate()), percent(case.rates.complaint_rate()), case.rates.rated)}</p>
            {case.last_reason.map(|r| view! { <p>{r}</p> })}
            <ActionForm action=decide>
                <input type="hidden" name="account_id" value=id/>
                <input type="hidden" name="region" value=case.region/>
                <label>"Decision "<select name="status">{decisions}</select></label>
                <label>"Reason (the account's admins are told) "<input type="text" name="reason" required/></label>
                <button type="submit">"Decide"</button>
            </ActionForm>
        </section>
    }
}
