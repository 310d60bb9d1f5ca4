use leptos::prelude::*;

use super::{access_requests, AccessRequest, DeclineProductionAccess, GrantProductionAccess};
use crate::components::{loaded, FormError};

/// The console's pending production-access requests: the use case as the admin wrote it,
/// and a grant with the quotas it asked for (editable), or a decline. The page owns the
/// actions, so its other tables follow a decision.
#[component]
pub fn AccessRequests(
    grant: ServerAction<GrantProductionAccess>,
    decline: ServerAction<DeclineProductionAccess>,
) -> impl IntoView {
    let requests = Resource::new(
        move || (grant.version().get(), decline.version().get()),
        |_| access_requests(),
    );
    view! {
        <h2>"Production access requests"</h2>
        <FormError action=grant/>
        <FormError action=decline/>
        {loaded(requests, move |requests: Vec<AccessRequest>| {
            if requests.is_empty() {
                return view! { <p>"No pending requests."</p> }.into_any();
            }
            requests.into_iter().map(|r| view! { <RequestCard request=r grant decline/> }).collect_view().into_any()
        })}
    }
}

#[component]
fn RequestCard(
    request: AccessRequest,
    grant: ServerAction<GrantProductionAccess>,
    decline: ServerAction<DeclineProductionAccess>,
) -> impl IntoView {
    let id = request.account_id.to_string();
    let region = request.region.clone();
    let (id2, region2) = (id.clone(), region.clone());
    view! {
        <section class="card" data-testid="access-request">
            <h3>{request.account_name}" "<code>{id.clone()}</code>" in "{region.clone()}</h3>
            <p class="muted">"Requested "{request.requested}</p>
            <blockquote class="use-case">{request.use_case}</blockquote>
            <ActionForm action=grant>
                <input type="hidden" name="account_id" value=id2/>
                <input type="hidden" name="region" value=region2/>
                <label>"Max 24-hour send "<input type="number" name="max_24_hour_send" min="-1" step="1" value=request.max_24_hour_send required/></label>
                <label>"Max send rate "<input type="number" name="max_send_rate" min="1" step="1" value=request.max_send_rate required/></label>
                <button type="submit">"Grant production access"</button>
            </ActionForm>
            <ActionForm action=decline>
                <input type="hidden" name="account_id" value=id.clone()/>
                <input type="hidden" name="region" value=region.clone()/>
                <button type="submit" class="secondary">"Decline"</button>
            </ActionForm>
        </section>
    }
}
