use leptos::prelude::*;

use super::{statistics_overview, Counts, StatisticsView};
use crate::components::{loaded, LineChart, Series};

/// `/statistics`: sends and what became of them, hour by hour over two weeks, per region.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| statistics_overview());
    view! {
        <h1>"Statistics"</h1>
        <p class="muted">"Recipients accepted, and the deliveries, bounces, complaints and rejects recorded, per hour over the last 14 days (the API's GetSendStatistics gives the same counts per 15 minutes)."</p>
        {loaded(overview, |views: Vec<StatisticsView>| {
            views.into_iter().map(|v| view! { <RegionStatistics view=v/> }).collect_view()
        })}
    }
}

#[component]
fn RegionStatistics(view: StatisticsView) -> impl IntoView {
    let labels: Vec<String> = view.hourly.iter().map(|(l, _)| l.clone()).collect();
    let line = |name: &str, class: &'static str, pick: fn(&Counts) -> i64| Series {
        name: name.to_owned(),
        class,
        values: view.hourly.iter().map(|(_, c)| pick(c) as f64).collect(),
    };
    let series = vec![
        line("Sends", "sends", |c| c.delivery_attempts),
        line("Deliveries", "deliveries", |c| c.deliveries),
        line("Bounces", "bounces", |c| c.bounces),
        line("Complaints", "complaints", |c| c.complaints),
        line("Rejects", "rejects", |c| c.rejects),
    ];
    let t = view.totals;
    view! {
        <section class="card" data-testid=format!("statistics-{}", view.region)>
            <h2>{view.region.clone()}</h2>
            <dl class="facts">
                <dt>"Sends"</dt><dd data-testid="total-sends">{t.delivery_attempts}</dd>
                <dt>"Deliveries"</dt><dd>{t.deliveries}</dd>
                <dt>"Bounces"</dt><dd data-testid="total-bounces">{t.bounces}</dd>
                <dt>"Complaints"</dt><dd>{t.complaints}</dd>
                <dt>"Rejects"</dt><dd>{t.rejects}</dd>
            </dl>
            <LineChart title=format!("Sending in {}, per hour", view.region) labels series/>
        </section>
    }
}
