//! Line charts as server-rendered SVG: no script, readable before hydration, and the same
//! markup in every browser. Values are drawn as given; the y axis starts at zero and is
//! ruled at round steps (1, 2 or 5 times a power of ten; whole numbers for counts).

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
    let scale = Scale::for_highest(highest, !percent);
    let top = scale.top();
    let steps = labels.len().saturating_sub(1).max(1) as f64;
    let x = move |i: usize| LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / steps;
    let y = move |v: f64| TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / top);
    let axis_value = move |v: f64| {
        if percent {
            crate::reputation::percent(v)
        } else {
            scale.label(v)
        }
    };
    let grid = (0..=scale.steps)
        .map(|i| {
            let v = scale.step * f64::from(i);
            view! {
                {(i > 0).then(|| view! { <line class="grid" x1=LEFT y1=y(v) x2=WIDTH - RIGHT y2=y(v)/> })}
                <text class="tick" x=LEFT - 6.0 y=y(v) + 4.0 text-anchor="end">{axis_value(v)}</text>
            }
        })
        .collect_view();
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
                {grid}
                {rules}
                {lines}
                {ticks}
            </svg>
            <figcaption>{title}<ul class="legend">{legend}</ul></figcaption>
        </figure>
    }
}

/// The y axis: `steps` rules `step` apart from zero, the last at or above every value.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Scale {
    step: f64,
    steps: u32,
}

impl Scale {
    /// About four round steps up to `highest`; `whole` keeps steps whole numbers (counts).
    fn for_highest(highest: f64, whole: bool) -> Self {
        // Nothing (or nothing drawable) to show still gets an axis up to 1.
        let highest = if highest.is_finite() && highest > 1e-9 {
            highest
        } else {
            1.0
        };
        let rough = highest / 4.0;
        let power = 10f64.powf(rough.log10().floor());
        let mut step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|s| *s >= rough * 0.999_999)
            .unwrap_or(10.0 * power);
        if whole {
            step = step.max(1.0).round();
        }
        let steps = ((highest / step) - 1e-9).ceil().max(1.0) as u32;
        Self { step, steps }
    }

    fn top(self) -> f64 {
        self.step * f64::from(self.steps)
    }

    /// A rule's value, with as many decimals as the step needs.
    fn label(self, v: f64) -> String {
        let decimals = (-self.step.log10().floor()).max(0.0) as usize;
        format!("{v:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_whole_round_steps() {
        // Two sends in an hour: 0, 1, 2, not a 2.2 top.
        let two = Scale::for_highest(2.0, true);
        assert_eq!((two.step, two.steps, two.top()), (1.0, 2, 2.0));
        let many = Scale::for_highest(1234.0, true);
        assert_eq!((many.step, many.steps), (500.0, 3));
        assert_eq!(Scale::for_highest(0.0, true).top(), 1.0);
        for odd in [f64::MIN_POSITIVE, f64::NAN, f64::INFINITY] {
            assert_eq!(Scale::for_highest(odd, false).top(), 1.0, "{odd}");
        }
        assert_eq!(Scale::for_highest(7.0, true).label(6.0), "6");
    }

    #[test]
    fn fractions_get_round_steps_too() {
        let rates = Scale::for_highest(0.1, false);
        assert_eq!(rates.step, 0.05);
        assert_eq!(rates.steps, 2);
        assert_eq!(rates.label(0.05), "0.05");
    }
}
