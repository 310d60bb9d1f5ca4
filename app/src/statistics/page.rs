use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{statistics_overview, Counts, StatisticsView, Window};
use crate::components::{loaded, LineChart, Series};

/// `/statistics`: sends and what became of them over a window (`?window=24h`, `7d` or
/// `14d`), per region; the window's links work without JavaScript.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    let query = use_query_map();
    let window = move || Window::from_param(&query.read().get("window").unwrap_or_default());
    let overview = Resource::new(window, statistics_overview);
    view! {
        <h1>"Statistics"</h1>
        <p class="muted">"Recipients accepted, and the deliveries, bounces, complaints and rejects recorded (the API's GetSendStatistics gives the same counts per 15 minutes over two weeks)."</p>
        <nav class="tabs" aria-label="Window">
            {Window::ALL.into_iter().map(|w| view! {
                <a href=format!("/statistics?window={}", w.param())
                    aria-current=move || (window() == w).then_some("page")>{w.title()}</a>
            }).collect_view()}
        </nav>
        {loaded(overview, move |views: Vec<StatisticsView>| {
            let shown = window();
            views.into_iter().map(|v| view! { <RegionStatistics view=v window=shown/> }).collect_view()
        })}
    }
}

#[component]
fn RegionStatistics(view: StatisticsView, window: Window) -> impl IntoView {
    let labels: Vec<String> = view.buckets.iter().map(|(l, _)| l.clone()).collect();
    let line = |name: &str, class: &'static str, pick: fn(&Counts) -> i64| Series {
        name: name.to_owned(),
        class,
        values: view.buckets.iter().map(|(_, c)| pick(c) as f64).collect(),
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
            <LineChart title=format!("Sending in {}, {}, {}", view.region, window.title().to_lowercase(), window.per()) labels series/>
        </section>
    }
}
