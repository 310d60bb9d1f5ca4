//! The HTML shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    access_keys::AccessKeysPage,
    accounts::{AccountPage, QuotaPage},
    audit::ActivityPage,
    auth::{
        AuthState, ConfirmSignUpPage, ForgotPasswordPage, OperatorSignInPage, ResetPasswordPage,
        SignInPage, SignUpPage, TwoFactorSignInPage,
    },
    billing::BillingPage,
    components::{Layout, NotFound},
    delivery::MessageDetailPage,
    feedback::SuppressionListPage,
    identities::{IdentitiesPage, IdentityPage, VerifyEmailPage},
    landing::LandingPage,
    mailbox::{MailboxMessagePage, MailboxPage},
    notifications::{ConfigurationSetsPage, DestinationPage},
    operator::{
        AccountActivityPage, OperatorConsolePage, OperatorSecurityPage, PlatformActivityPage,
    },
    overview::OverviewPage,
    partners::PartnerInvitationPage,
    policies::SharedWithMePage,
    reputation::ReputationPage,
    security::{ConfirmEmailPage, SecurityPage},
    sending::{MessagesPage, SendTestPage},
    smtp::SmtpSettingsPage,
    statistics::StatisticsPage,
    users::{InvitationPage, UsersPage},
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: every page, by path.
///
/// Pages render in `Async` mode: the server waits for a page's data and sends complete HTML,
/// so every page reads (and every form posts) without JavaScript too; hydration then makes
/// it interactive.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthState::provide();
    mark_hydrated();
    view! {
        <Stylesheet id="leptos" href="/pkg/sesame.css"/>
        <Title text="Sesame"/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=LandingPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in/two-factor") view=TwoFactorSignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset-password/:token") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/confirm-email/:token") view=ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-up") view=SignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-up/confirm/:token") view=ConfirmSignUpPage ssr=SsrMode::Async/>
                    <Route path=path!("/overview") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitation/:token") view=InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/access-keys") view=AccessKeysPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/security") view=SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("/activity") view=ActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/identities") view=IdentitiesPage ssr=SsrMode::Async/>
                    <Route path=path!("/identities/:id") view=IdentityPage ssr=SsrMode::Async/>
                    <Route path=path!("/verify-email/:token") view=VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/shared") view=SharedWithMePage ssr=SsrMode::Async/>
                    <Route path=path!("/partners/:token") view=PartnerInvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/send") view=SendTestPage ssr=SsrMode::Async/>
                    <Route path=path!("/smtp") view=SmtpSettingsPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages") view=MessagesPage ssr=SsrMode::Async/>
                    <Route path=path!("/messages/:id") view=MessageDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/configuration-sets") view=ConfigurationSetsPage ssr=SsrMode::Async/>
                    <Route path=path!("/event-destinations/:id") view=DestinationPage ssr=SsrMode::Async/>
                    <Route path=path!("/suppression") view=SuppressionListPage ssr=SsrMode::Async/>
                    <Route path=path!("/reputation") view=ReputationPage ssr=SsrMode::Async/>
                    <Route path=path!("/statistics") view=StatisticsPage ssr=SsrMode::Async/>
                    <Route path=path!("/quota") view=QuotaPage ssr=SsrMode::Async/>
                    <Route path=path!("/billing") view=BillingPage ssr=SsrMode::Async/>
                    <Route path=path!("/mailbox") view=MailboxPage ssr=SsrMode::Async/>
                    <Route path=path!("/mailbox/:id") view=MailboxMessagePage ssr=SsrMode::Async/>
                    <Route path=path!("/operator") view=OperatorConsolePage ssr=SsrMode::Async/>
                    <Route path=path!("/operator/sign-in") view=OperatorSignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/operator/accounts/:account/activity") view=AccountActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/operator/activity") view=PlatformActivityPage ssr=SsrMode::Async/>
                    <Route path=path!("/operator/security") view=OperatorSecurityPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}

/// Marks `<body data-hydrated="true">` once the browser has hydrated the page (effects run
/// only in the browser), so browser tests know when the page has become interactive.
fn mark_hydrated() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
