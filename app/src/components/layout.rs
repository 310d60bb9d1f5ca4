use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::{AuthState, Principal, Role, SignOutButton};

/// The page frame: header with navigation by area (product.md's roles), then the page.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"Sesame"</A>
            <nav aria-label="Main">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let principal = AuthState::get().principal.await.ok().flatten();
                        view! { <Navigation principal/> }
                    })}
                </Transition>
            </nav>
        </header>
        <main class="page">{children()}</main>
    }
}

/// The links for whoever is signed in; places for areas still to come are shown but inert.
#[component]
fn Navigation(principal: Option<Principal>) -> impl IntoView {
    match principal {
        None => view! {
            <ul class="nav">
                <li><A href="/sign-in">"Sign in"</A></li>
                <li><A href="/sign-up">"Create account"</A></li>
            </ul>
        }
        .into_any(),
        Some(Principal::Operator { email }) => view! {
            <ul class="nav">
                <li class="nav-group"><span class="nav-title">"Operator"</span><A href="/operator">"Accounts"</A></li>
                <li class="nav-user"><span class="muted">{email}</span><SignOutButton/></li>
            </ul>
        }
        .into_any(),
        Some(Principal::User(user)) => view! {
            <ul class="nav">
                <li class="nav-group">
                    <span class="nav-title">"Identity owner"</span>
                    <A href="/identities">"Identities"</A>
                    <A href="/mailbox">"Mailbox"</A>
                </li>
                <li class="nav-group">
                    <span class="nav-title">"Delegate sender"</span>
                    <A href="/shared">"Shared with me"</A>
                    {(user.role != Role::Viewer).then(|| view! { <A href="/send">"Send test email"</A> })}
                    {(user.role != Role::Viewer).then(|| view! { <A href="/smtp">"SMTP settings"</A> })}
                    <A href="/messages">"Messages"</A>
                    <A href="/suppression">"Suppression list"</A>
                    <A href="/configuration-sets">"Configuration sets"</A>
                    <A href="/reputation">"Reputation"</A>
                    <A href="/statistics">"Statistics"</A>
                    <A href="/quota">"Quota"</A>
                    <A href="/billing">"Billing"</A>
                </li>
                <li class="nav-group">
                    <span class="nav-title">"Account"</span>
                    <A href="/account">"Overview"</A>
                    {(user.role == Role::Admin).then(|| view! { <A href="/account/users">"Users"</A> })}
                    {(user.role != Role::Viewer).then(|| view! { <A href="/account/access-keys">"Access keys"</A> })}
                </li>
                <li class="nav-user">
                    <span class="muted" data-testid="signed-in-as">{user.email}" · "{user.account_name}</span>
                    <SignOutButton/>
                </li>
            </ul>
        }
        .into_any(),
    }
}

/// Shown for any path no route matches (with a 404 status on the server).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1>"Page not found"</h1>
        <p><A href="/">"Back to the start page"</A></p>
    }
}
