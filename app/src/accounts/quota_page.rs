use std::time::Duration;

use leptos::prelude::*;

use super::{get_account_overview, AccountOverview, RegionLimits, RequestProductionAccess};
use crate::{
    auth::{AuthState, Principal, Role},
    components::{loaded, FormError},
    error::AppError,
    reputation::EnforcementStatus,
};

/// How often the page re-reads the quota while it is open.
const REFRESH: Duration = Duration::from_secs(5);

/// `/quota`: per region, the quotas, what was sent in the last 24 hours and what is left
/// (kept current while the page is open: only those figures are re-read, so a request
/// being written is left alone), and the production-access request.
#[component]
pub fn QuotaPage() -> impl IntoView {
    let request = ServerAction::<RequestProductionAccess>::new();
    let (tick, set_tick) = signal(0_u64);
    // In the browser only: effects do not run during server rendering.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || set_tick.update(|t| *t += 1), REFRESH)
        {
            on_cleanup(move || handle.clear());
        }
    });
    let overview = Resource::new(move || request.version().get(), |_| get_account_overview());
    // Nothing to re-read until the first tick: the page was rendered with fresh figures.
    let live = Resource::new(
        move || tick.get(),
        |tick| async move {
            match tick {
                0 => Ok(None),
                _ => get_account_overview().await.map(Some),
            }
        },
    );
    let auth = AuthState::get();
    let is_admin = move || matches!(auth.principal.get(), Some(Ok(Some(Principal::User(u)))) if u.role == Role::Admin);
    view! {
        <h1>"Quota"</h1>
        <p class="muted">"Quotas count recipients, whoever's identity you send from. Mailbox simulator recipients count against the send rate but not the daily quota."</p>
        <FormError action=request/>
        {loaded(overview, move |o: AccountOverview| {
            o.regions.into_iter().map(|r| view! { <RegionQuota limits=r live request is_admin=is_admin()/> }).collect_view()
        })}
    }
}

#[component]
fn RegionQuota(
    limits: RegionLimits,
    live: Resource<Result<Option<AccountOverview>, AppError>>,
    request: ServerAction<RequestProductionAccess>,
    is_admin: bool,
) -> impl IntoView {
    let unlimited = limits.max_24_hour_send < 0.0;
    let sandbox = limits.sandbox;
    let requested = limits.production_access_requested;
    let region = limits.region.clone();
    let status = EnforcementStatus::parse(&limits.enforcement_status)
        .map_or(limits.enforcement_status.clone(), |s| s.label().to_owned());
    view! {
        <section class="card" data-testid=format!("quota-{}", limits.region)>
            <h2>{limits.region.clone()}</h2>
            <dl class="facts">
                <dt>"Access"</dt><dd>{if sandbox { "Sandbox" } else { "Production" }}</dd>
                <dt>"Reputation"</dt><dd><a href="/reputation" data-testid="quota-status">{status}</a></dd>
                <dt>"Max 24-hour send"</dt><dd>{if unlimited { "unlimited".to_owned() } else { limits.max_24_hour_send.to_string() }}</dd>
                <LiveUsage limits=limits.clone() live/>
                <dt>"Max send rate"</dt><dd>{limits.max_send_rate}" per second"</dd>
            </dl>
            {match (sandbox, requested) {
                (false, _) => ().into_any(),
                (true, true) => view! {
                    <p data-testid="request-status">"Production access requested; an operator will decide."</p>
                    {limits.production_access_use_case.map(|u| view! { <blockquote class="use-case">{u}</blockquote> })}
                }.into_any(),
                (true, false) if is_admin => view! { <AccessRequestForm region request/> }.into_any(),
                (true, false) => view! { <p>"An admin of the account can request production access."</p> }.into_any(),
            }}
        </section>
    }
}

/// What was sent in the last 24 hours and what is left, from the re-read overview (the
/// figures the page was rendered with until it arrives).
#[component]
fn LiveUsage(
    limits: RegionLimits,
    live: Resource<Result<Option<AccountOverview>, AppError>>,
) -> impl IntoView {
    let shown = limits.clone();
    view! {
        <Transition fallback=move || view! { <Usage limits=shown.clone()/> }>
            {move || {
                let limits = limits.clone();
                Suspend::new(async move {
                    let current = live
                        .await
                        .ok()
                        .flatten()
                        .and_then(|o| o.regions.into_iter().find(|r| r.region == limits.region))
                        .unwrap_or(limits);
                    view! { <Usage limits=current/> }
                })
            }}
        </Transition>
    }
}

#[component]
fn Usage(limits: RegionLimits) -> impl IntoView {
    let remaining = if limits.max_24_hour_send < 0.0 {
        "unlimited".to_owned()
    } else {
        format!(
            "{}",
            (limits.max_24_hour_send - limits.sent_last_24_hours as f64).max(0.0)
        )
    };
    view! {
        <dt>"Sent, last 24 hours"</dt><dd data-testid="sent-24-hours">{limits.sent_last_24_hours}</dd>
        <dt>"Remaining"</dt><dd data-testid="remaining">{remaining}</dd>
    }
}

#[component]
fn AccessRequestForm(
    region: String,
    request: ServerAction<RequestProductionAccess>,
) -> impl IntoView {
    let field = format!("use-case-{region}");
    view! {
        <ActionForm action=request>
            <h3>"Request production access"</h3>
            <input type="hidden" name="region" value=region/>
            <label for=field.clone()>"What you send, to whom, how recipients sign up, and how you handle bounces and complaints"</label>
            <textarea id=field name="use_case" rows="5" required minlength="20"></textarea>
            <label>"Max 24-hour send you need "<input type="number" name="max_24_hour_send" min="1" step="1" value="50000" required/></label>
            <label>"Max send rate you need (per second) "<input type="number" name="max_send_rate" min="1" step="1" value="14" required/></label>
            <button type="submit">"Request production access"</button>
        </ActionForm>
    }
}
