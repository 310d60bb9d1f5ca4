use leptos::prelude::*;

use super::{get_reputation, percent, RegionReputation, ReputationOverview, Thresholds};
use crate::components::{loaded, LineChart, Series};

/// `/reputation`: the account's status, bounce and complaint rates against the thresholds,
/// and every status change, per region.
#[component]
pub fn ReputationPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_reputation());
    view! {
        <h1>"Reputation"</h1>
        {loaded(overview, |o: ReputationOverview| {
            let t = o.thresholds.clone();
            view! {
                <p class="muted">{format!(
                    "Rates are measured over the last {} days (or since an operator's last decision) and acted on from {} counted sends. Counted: final outcomes, not at the mailbox simulator and not skipped for your suppression list. Hard bounces are bad addresses.",
                    t.window_days, t.min_volume
                )}</p>
                {o.regions.into_iter().map(|r| view! { <RegionCard region=r thresholds=t.clone()/> }).collect_view()}
            }
        })}
    }
}

#[component]
fn RegionCard(region: RegionReputation, thresholds: Thresholds) -> impl IntoView {
    let class = region.status.badge_class();
    let labels: Vec<String> = region.daily.iter().map(|d| d.0.clone()).collect();
    let bounces = Series {
        name: "Bounce rate".to_owned(),
        class: "bounces",
        values: region.daily.iter().map(|d| d.1).collect(),
    };
    let complaints = Series {
        name: "Complaint rate".to_owned(),
        class: "complaints",
        values: region.daily.iter().map(|d| d.2).collect(),
    };
    let rates = region.rates;
    let history = region.history.clone();
    view! {
        <section class="card" data-testid=format!("reputation-{}", region.region)>
            <h2>{region.region.clone()}" "<span class=class data-testid="enforcement-status">{region.status.label()}</span></h2>
            <p class="muted">"Since "{region.status_since.clone()}</p>
            <dl class="facts">
                <dt>"Bounce rate"</dt>
                <dd data-testid="bounce-rate">{percent(rates.bounce_rate())}" ("{rates.hard_bounces}" of "{rates.rated}")"</dd>
                <dt>"Complaint rate"</dt>
                <dd data-testid="complaint-rate">{percent(rates.complaint_rate())}" ("{rates.complaints}" of "{rates.rated}")"</dd>
                <dt>"Thresholds"</dt>
                <dd>{format!("bounces: review {}, pause {} · complaints: review {}, pause {}",
                    percent(thresholds.bounce_review), percent(thresholds.bounce_pause),
                    percent(thresholds.complaint_review), percent(thresholds.complaint_pause))}</dd>
            </dl>
            <LineChart title="Bounce rate per day".to_owned() labels=labels.clone() series=vec![bounces] percent=true
                thresholds=vec![("review".to_owned(), thresholds.bounce_review), ("pause".to_owned(), thresholds.bounce_pause)]/>
            <LineChart title="Complaint rate per day".to_owned() labels series=vec![complaints] percent=true
                thresholds=vec![("review".to_owned(), thresholds.complaint_review), ("pause".to_owned(), thresholds.complaint_pause)]/>
            <h3>"History"</h3>
            {if history.is_empty() {
                view! { <p>"No status changes."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table>
                        <thead><tr><th>"When"</th><th>"Change"</th><th>"Decided by"</th><th>"Why"</th></tr></thead>
                        <tbody>
                            {history.into_iter().map(|h| view! {
                                <tr data-testid="status-change">
                                    <td>{h.at}</td>
                                    <td>{format!("{} → {}", h.from.label(), h.to.label())}</td>
                                    <td>{h.decided_by}</td>
                                    <td>{h.reason}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    }
}
