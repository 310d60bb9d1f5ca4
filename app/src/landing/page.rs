use leptos::prelude::*;

use super::get_platform_status;

/// `/`: what Sesame is, for whom, and whether this deployment is healthy.
#[component]
pub fn LandingPage() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Sesame"</h1>
            <p class="lead">
                "Self-hostable email sending built around sending authorization. "
                "Identity owners verify their domains and addresses and decide who may send as them; "
                "delegate senders send through an SES-compatible API or SMTP, with their own quota, "
                "billing and reputation."
            </p>
        </section>
        <section class="cards">
            <article class="card">
                <h2>"Identity owners"</h2>
                <p>"Verify domains and addresses, attach sending authorization policies, see what every delegate sends, and revoke at once."</p>
            </article>
            <article class="card">
                <h2>"Delegate senders"</h2>
                <p>"Send from identities you were granted with the AWS CLI, boto3, any AWS SDK or any SMTP client; watch your quota, spend and reputation."</p>
            </article>
            <article class="card">
                <h2>"Operators"</h2>
                <p>"Run Sesame as a hosted service: approve production access, set quotas, pause accounts with poor reputation."</p>
            </article>
        </section>
        <PlatformStatusCard/>
    }
}

/// The deployment's status, rendered on the server and refreshed from the browser.
#[component]
fn PlatformStatusCard() -> impl IntoView {
    let (checks, set_checks) = signal(1u32);
    let status = Resource::new(move || checks.get(), |_| get_platform_status());
    view! {
        <section class="card status" aria-labelledby="status-title">
            <h2 id="status-title">"Platform status"</h2>
            <Transition fallback=|| view! { <p>"Checking…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! {
                            <dl class="facts">
                                <dt>"Database"</dt><dd data-testid="database">{s.database}</dd>
                                <dt>"Regions"</dt><dd data-testid="regions">{s.regions.join(", ")}</dd>
                            </dl>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <p class="muted">
                <span data-testid="checks">"Checked " {move || checks.get()} " time(s)"</span>
                " · "
                <button class="link" on:click=move |_| set_checks.update(|n| *n += 1)>"Check again"</button>
            </p>
        </section>
    }
}
