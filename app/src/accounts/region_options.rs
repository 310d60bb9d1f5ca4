use leptos::prelude::*;

use super::get_account_overview;

/// The `<option>`s of the regions the account sends in, for a region `<select>`.
#[component]
pub fn RegionOptions() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_account_overview());
    let options = move || {
        Suspend::new(async move {
            overview
                .await
                .map(|o| {
                    o.regions
                        .into_iter()
                        .map(|r| {
                            let value = r.region.clone();
                            view! { <option value=value>{r.region}</option> }
                        })
                        .collect_view()
                })
                .unwrap_or_default()
        })
    };
    view! { <Transition>{options}</Transition> }
}
