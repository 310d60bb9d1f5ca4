//! Line charts as server-rendered SVG: no script, readable before hydration, and the same
//! markup in every browser. Values are drawn as given; the y axis starts at zero.

use leptos::prelude::*;

/// One line: its legend name, a CSS class for its colour, and one value per label.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub class: &'static str,
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A chart of `series` over `labels`, with dashed horizontal `thresholds` (name, value);
/// `percent` shows the y axis as percentages of 1.
#[component]
pub fn LineChart(
    title: String,
    labels: Vec<String>,
    series: Vec<Series>,
    #[prop(optional)] thresholds: Vec<(String, f64)>,
    #[prop(optional)] percent: bool,
) -> impl IntoView {
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .chain(thresholds.iter().map(|t| t.1))
        .fold(0.0_f64, f64::max);
    let top = if highest > 0.0 { highest * 1.1 } else { 1.0 };
    let steps = labels.len().saturating_sub(1).max(1) as f64;
    let x = move |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / steps;
    let y = move |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top);
    let axis_value = move |v: f64| {
        if percent {
            crate::reputation::percent(v)
        } else if v >= 10.0 || v == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    let lines = series
        .iter()
        .map(|s| {
            let points = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
                .collect::<Vec<_>>()
                .join(" ");
            view! { <polyline class=format!("series {}", s.class) points=points><title>{s.name.clone()}</title></polyline> }
        })
        .collect_view();
    let rules = thresholds
        .iter()
        .map(|(name, value)| {
            let at = y(*value);
            view! {
                <line class="threshold" x1=LEFT y1=at x2=WIDTH - RIGHT y2=at/>
                <text class="threshold-label" x=WIDTH - RIGHT y=at - 3.0 text-anchor="end">{format!("{name} {}", axis_value(*value))}</text>
            }
        })
        .collect_view();
    // First, middle and last labels: enough to read the time axis without crowding it; the
    // ends are anchored inwards so they stay inside the drawing.
    let last = labels.len().saturating_sub(1);
    let ticks = [0, labels.len() / 2, last]
        .into_iter()
        .filter(|i| *i < labels.len())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|i| {
            let anchor = match i {
                0 => "start",
                i if i == last => "end",
                _ => "middle",
            };
            view! { <text class="tick" x=x(i) y=HEIGHT - 8.0 text-anchor=anchor>{labels[i].clone()}</text> }
        })
        .collect_view();
    let legend = series
        .iter()
        .map(|s| view! { <li><span class=format!("swatch {}", s.class)></span>{s.name.clone()}</li> })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=title.clone()>
                <title>{title.clone()}</title>
                <line class="axis" x1=LEFT y1=y(0.0) x2=WIDTH - RIGHT y2=y(0.0)/>
                <text class="tick" x=LEFT - 6.0 y=y(0.0) text-anchor="end">{axis_value(0.0)}</text>
                <text class="tick" x=LEFT - 6.0 y=TOP + 8.0 text-anchor="end">{axis_value(top)}</text>
                {rules}
                {lines}
                {ticks}
            </svg>
            <figcaption>{title}<ul class="legend">{legend}</ul></figcaption>
        </figure>
    }
}
