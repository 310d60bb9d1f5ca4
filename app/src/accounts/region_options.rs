use leptos::prelude::*;

use super::{get_account_overview, AccountOverview};
use crate::error::AppError;

/// The account overview a page's region `<select>`s are filled from. Until it has loaded
/// (after a client-side navigation) a form with a region must not be submitted:
/// `regions.get().is_none()` says so.
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
