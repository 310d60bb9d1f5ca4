//! The HTML shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::{
    access_keys::AccessKeysPage,
    accounts::AccountPage,
    auth::{AuthState, OperatorSignInPage, SignInPage, SignUpPage},
    components::{Layout, NotFound},
    landing::LandingPage,
    operator::OperatorConsolePage,
    users::UsersPage,
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
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthState::provide();
    view! {
        <Stylesheet id="leptos" href="/pkg/sesame.css"/>
        <Title text="Sesame"/>
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=LandingPage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/sign-up") view=SignUpPage/>
                    <Route path=path!("/account") view=AccountPage/>
                    <Route path=path!("/account/users") view=UsersPage/>
                    <Route path=path!("/account/access-keys") view=AccessKeysPage/>
                    <Route path=path!("/operator") view=OperatorConsolePage/>
                    <Route path=path!("/operator/sign-in") view=OperatorSignInPage/>
                </Routes>
            </Layout>
        </Router>
    }
}
