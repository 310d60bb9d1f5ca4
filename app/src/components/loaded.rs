//! The one way a page shows data it loads: "Loading…", then the error or the data.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use super::LoadError;
use crate::error::AppError;

/// Renders `resource` with `render` once it has loaded (keeping the old view while it
/// reloads), or the error it failed with.
pub fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(error) => view! { <LoadError error/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
