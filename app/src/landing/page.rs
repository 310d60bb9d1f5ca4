use leptos::prelude::*;

use leptos_router::components::A;

use super::get_deployment;

/// `/`: what Sesame is, for whom, and how to start here.
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
        <StartCard/>
    }
}

/// How to start here: an account, then the console or an SES client pointed at this
/// deployment.
#[component]
fn StartCard() -> impl IntoView {
    let deployment = Resource::new(|| (), |_| get_deployment());
    view! {
        <section class="card" aria-labelledby="start-title">
            <h2 id="start-title">"Start"</h2>
            <p>
                <A href="/sign-up">"Create an account"</A>
                " — or " <A href="/sign-in">"sign in"</A>
                " — then verify a domain, share it with a partner, and send."
            </p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    deployment.await.ok().map(|d| view! {
                        <dl class="facts">
                            <dt>"Regions"</dt><dd data-testid="regions">{d.regions.join(", ")}</dd>
                            <dt>"SES API endpoint"</dt><dd><code data-testid="api-endpoint">{d.api_endpoint}</code></dd>
                        </dl>
                    })
                })}
            </Transition>
        </section>
    }
}
