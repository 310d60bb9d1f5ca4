use leptos::{html::Input, prelude::*};
use leptos_router::components::A;

use crate::auth::{AuthState, CurrentUser, Principal, Role, SignOutButton};

/// The page frame: a top bar (brand, menu switch, who is signed in), the sidebar of
/// links for the signed-in principal, then the page.
///
/// On narrow screens the sidebar collapses behind the "Menu" checkbox: a real form control,
/// so it opens without JavaScript too (the stylesheet shows the sidebar while it is
/// checked); after hydration a click on one of its links closes it again.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let menu = NodeRef::<Input>::new();
    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">"Sesame"</A>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let principal = AuthState::get().principal.await.ok().flatten();
                    view! { <SignedIn principal menu/> }
                })}
            </Transition>
        </header>
        <div class="frame">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let principal = AuthState::get().principal.await.ok().flatten();
                    view! { <Navigation principal menu/> }
                })}
            </Transition>
            <main class="page">{children()}</main>
        </div>
    }
}

/// The menu switch, who is signed in and the way out; or the ways in.
#[component]
fn SignedIn(principal: Option<Principal>, menu: NodeRef<Input>) -> impl IntoView {
    let who = match principal {
        None => {
            return view! {
                <div class="topbar-user">
                    <A href="/sign-in">"Sign in"</A>
                    <A href="/sign-up">"Create account"</A>
                </div>
            }
            .into_any()
        }
        Some(Principal::Operator { email }) => email,
        Some(Principal::User(user)) => format!("{} · {}", user.email, user.account_name),
    };
    view! {
        <label class="menu-switch">
            <input type="checkbox" aria-controls="sidebar" node_ref=menu/>
            "Menu"
        </label>
        <div class="topbar-user">
            <span class="muted" data-testid="signed-in-as">{who}</span>
            <SignOutButton/>
        </div>
    }
    .into_any()
}

/// The sidebar, for whoever is signed in: its links grouped by what the principal does
/// there (an account owns identities and sends from its own and shared ones; an operator
/// runs the platform). Nobody signed in: no sidebar.
#[component]
fn Navigation(principal: Option<Principal>, menu: NodeRef<Input>) -> impl IntoView {
    let links = match principal {
        None => return None,
        Some(Principal::Operator { .. }) => view! {
            <NavGroup title="Operator">
                <li><A href="/operator">"Accounts and requests"</A></li>
                <li><A href="/operator/activity">"Operator activity"</A></li>
                <li><A href="/operator/security">"Security"</A></li>
            </NavGroup>
        }
        .into_any(),
        Some(Principal::User(user)) => view! { <AccountLinks user/> }.into_any(),
    };
    let close = move |_| {
        if let Some(switch) = menu.get_untracked() {
            switch.set_checked(false);
        }
    };
    Some(view! { <nav id="sidebar" class="sidebar" aria-label="Main" on:click=close>{links}</nav> })
}

#[component]
fn AccountLinks(user: CurrentUser) -> impl IntoView {
    let sends = user.role != Role::Viewer;
    view! {
        <ul class="nav-home"><li><A href="/overview">"Overview"</A></li></ul>
        <NavGroup title="Identities">
            <li><A href="/identities">"Identities"</A></li>
            <li><A href="/mailbox">"Mailbox"</A></li>
        </NavGroup>
        <NavGroup title="Sending">
            <li><A href="/shared">"Shared with me"</A></li>
            {sends.then(|| view! { <li><A href="/send">"Send test email"</A></li> })}
            {sends.then(|| view! { <li><A href="/smtp">"SMTP settings"</A></li> })}
            <li><A href="/messages">"Messages"</A></li>
            <li><A href="/configuration-sets">"Configuration sets"</A></li>
            <li><A href="/suppression">"Suppression list"</A></li>
        </NavGroup>
        <NavGroup title="Insights">
            <li><A href="/statistics">"Statistics"</A></li>
            <li><A href="/reputation">"Reputation"</A></li>
            <li><A href="/billing">"Billing"</A></li>
            <li><A href="/quota">"Quota"</A></li>
        </NavGroup>
        <NavGroup title="Account">
            // Exact: the other Account pages are under /account/ too.
            <li><A href="/account" exact=true>"Settings"</A></li>
            {(user.role == Role::Admin).then(|| view! { <li><A href="/account/users">"Users"</A></li> })}
            {(user.role == Role::Admin).then(|| view! { <li><A href="/activity">"Activity"</A></li> })}
            {sends.then(|| view! { <li><A href="/account/access-keys">"Access keys"</A></li> })}
            <li><A href="/account/security">"Security"</A></li>
        </NavGroup>
    }
}

/// One titled group of links in the sidebar.
#[component]
fn NavGroup(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <div class="nav-group">
            <p class="nav-title" aria-hidden="true">{title}</p>
            <ul aria-label=title>{children()}</ul>
        </div>
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
