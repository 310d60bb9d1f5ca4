//! Lists that keep up by themselves: a counter that goes up every few seconds in the
//! browser, to put among a Resource's sources so it refetches.

use std::time::Duration;

use leptos::prelude::*;

/// Goes up every `period` in the browser (on the server it stays 0: the page is rendered
/// once), until the component that asked for it goes away.
pub fn every(period: Duration) -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    #[cfg(feature = "hydrate")]
    if let Ok(handle) = set_interval_with_handle(
        // A hidden tab asks for nothing.
        move || {
            if !document().hidden() {
                set_tick.update(|t| *t += 1)
            }
        },
        period,
    ) {
        on_cleanup(move || handle.clear());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (period, set_tick);
    tick
}

/// Watches a value that changes by itself, such as an identity's verification status:
/// while `watched` holds what the page shows (None: nothing to watch), `probe` asks for it
/// every `period`, and the counter returned goes up when the answer differs. Put the
/// counter among the page's Resource sources: the page reloads once, when the value
/// changes, and forms being filled in on it are not wiped by every probe.
pub fn reload_on_change<T, F, Fut>(
    period: Duration,
    watched: RwSignal<Option<T>>,
    probe: F,
) -> ReadSignal<u32>
where
    T: PartialEq + Clone + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Option<T>> + 'static,
{
    let (changed, set_changed) = signal(0u32);
    let tick = every(period);
    Effect::new(move |_| {
        tick.track();
        let Some(shown) = watched.get_untracked() else {
            return;
        };
        let answer = probe();
        leptos::task::spawn_local(async move {
            // Only if the page still shows what was probed: an answer that arrives after
            // the page reloaded for another reason must not reload it again.
            let still_shown = || watched.get_untracked().as_ref() == Some(&shown);
            if answer.await.is_some_and(|now| now != shown) && still_shown() {
                set_changed.update(|c| *c += 1);
            }
        });
    });
    changed
}
