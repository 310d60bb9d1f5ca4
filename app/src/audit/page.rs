use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    account_activity, activity_csv_link, list_activity, platform_activity, ActivityFilter,
    ActivityPageData, ActivityTable, AuditKind, Log, PAGE_SIZE,
};
use crate::components::loaded;

/// `/activity`: the account's audit log, newest first, narrowed by kind, actor and
/// identity. The filter and pages are a GET form and links, so a view can be bookmarked
/// and reloaded; the download holds every entry the filter matches.
#[component]
pub fn ActivityPage() -> impl IntoView {
    view! {
        <h1>"Activity"</h1>
        <p class="muted">"Every change to this account's identities, policies, access keys, users and sign-in security, and every sign-in: who made it, through the console, the API or SMTP, and from where."</p>
        <ActivityLog base="/activity".to_owned() of=None/>
    }
}

/// The log with its filter and pages: the caller's account's, or (for an operator) `of`.
#[component]
pub fn ActivityLog(base: String, of: Option<Log>) -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let filter = move || ActivityFilter {
        kind: param("kind"),
        actor: param("actor"),
        identity: param("identity"),
        before: param("before").parse().ok(),
        ..ActivityFilter::default()
    };
    let for_operator = of.clone();
    let page = Resource::new(filter, move |f| {
        let of = for_operator.clone();
        async move {
            match of {
                Some(Log::Account(account)) => {
                    account_activity(account, f.kind, f.actor, f.identity, f.before).await
                }
                Some(Log::Platform) => platform_activity(f.kind, f.actor, f.before).await,
                None => list_activity(f.kind, f.actor, f.identity, f.before).await,
            }
        }
    });
    // The platform's entries are of no identity.
    let by_identity = of != Some(Log::Platform);
    let csv = Action::new(|f: &ActivityFilter| {
        activity_csv_link(f.kind.clone(), f.actor.clone(), f.identity.clone())
    });
    let kind = move || param("kind");
    let href_base = base.clone();
    view! {
        <form method="get" action=base.clone() class="filters">
            <label>"Kind "
                <select name="kind">
                    <option value="" selected=move || kind().is_empty()>"Any"</option>
                    {AuditKind::families().into_iter().map(|family| view! {
                        <optgroup label=family>
                            <option value=family selected=move || kind() == family>{format!("Any {family}")}</option>
                            {AuditKind::ALL.iter().filter(|k| k.family() == family).map(|k| {
                                let name = k.name();
                                view! { <option value=name selected=move || kind() == name>{k.label()}</option> }
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </label>
            <label>"Actor or access key " <input name="actor" prop:value=move || param("actor")/></label>
            {by_identity.then(|| view! {
                <label>"Identity " <input name="identity" prop:value=move || param("identity")/></label>
            })}
            <button type="submit" class="secondary">"Filter"</button>
        </form>
        {of.is_none().then(|| view! {
            <p class="csv">
                <button type="button" class="secondary" disabled=move || csv.pending().get()
                    on:click=move |_| { csv.dispatch(filter()); }>"Prepare CSV"</button>
                {move || csv.value().get().map(|link| match link {
                    Ok(href) => view! { " " <a href=href download="sesame-activity.csv">"Download CSV"</a> }.into_any(),
                    Err(e) => view! { " " <span class="error">{e.to_string()}</span> }.into_any(),
                })}
            </p>
        })}
        {loaded(page, move |data: ActivityPageData| {
            if data.entries.is_empty() {
                return view! { <p data-testid="no-activity">"No entries match."</p> }.into_any();
            }
            let current = filter();
            let older = data.older.map(|id| page_href(&href_base, &current, Some(id)));
            let newest = current.before.map(|_| page_href(&href_base, &current, None));
            view! {
                <ActivityTable entries=data.entries/>
                <nav class="pager" aria-label="Pages">
                    {newest.map(|href| view! { <a href=href>"Newest"</a> })}
                    {older.map(|href| view! { <a href=href rel="next">{format!("Older {PAGE_SIZE} →")}</a> })}
                </nav>
            }
            .into_any()
        })}
    }
}

/// The log's address for `filter`, from entry `before` (None: the newest).
fn page_href(base: &str, filter: &ActivityFilter, before: Option<i64>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("kind", &filter.kind),
        ("actor", &filter.actor),
        ("identity", &filter.identity),
    ] {
        if !value.is_empty() {
            query.append_pair(name, value);
        }
    }
    if let Some(id) = before {
        query.append_pair("before", &id.to_string());
    }
    match query.finish() {
        query if query.is_empty() => base.to_owned(),
        query => format!("{base}?{query}"),
    }
}
