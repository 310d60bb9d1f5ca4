use leptos::prelude::*;

use super::{get_account_overview, AccountOverview};
use crate::error::AppError;

/// The account overview a page's region `<select>`s are filled from. Until it has loaded
/// (after a client-side navigation) a form with a region must not be submitted:
/// `RegionSubmit` is its button.
pub fn account_regions() -> Resource<Result<AccountOverview, AppError>> {
    Resource::new(|| (), |_| get_account_overview())
}

/// The `<option>`s of the regions the account sends in, for a region `<select>`.
#[component]
pub fn RegionOptions(regions: Resource<Result<AccountOverview, AppError>>) -> impl IntoView {
    let options = move || {
        Suspend::new(async move {
            regions
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

/// The submit button of a form with a region `<select>`: enabled once the regions have
/// loaded, and while `pending` (its action running) is false. It is rendered inside the
/// same `<Transition>` as the options, so the server-rendered page (loaded directly,
/// reloaded, or read without JavaScript) already has it enabled.
#[component]
pub fn RegionSubmit(
    regions: Resource<Result<AccountOverview, AppError>>,
    #[prop(into)] pending: Signal<bool>,
    label: &'static str,
) -> impl IntoView {
    let button = move || {
        Suspend::new(async move {
            let _ = regions.await;
            view! { <button type="submit" disabled=move || pending.get()>{label}</button> }
        })
    };
    view! {
        <Transition fallback=move || view! { <button type="submit" disabled=true>{label}</button> }>
            {button}
        </Transition>
    }
}
