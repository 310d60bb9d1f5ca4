//! Form pieces: labelled fields that show the error the server gave for them, the error
//! that belongs to no field, and copy-to-clipboard for one-time secrets.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_location;

use crate::{auth::return_to::sign_in_href, error::AppError};

/// The message the action's last result gave for `field`.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|e| e.for_field(field))
    })
}

/// A labelled input with its error underneath, linked for screen readers.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    /// What the field starts with (empty by default).
    #[prop(optional, into)]
    value: String,
    /// May be left empty.
    #[prop(optional)]
    optional: bool,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                required=!optional
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
            />
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <p class="field-error" id=error_id>{move || error.get()}</p>
        </div>
    }
}

/// The `password` field where a person chooses a new password, with the rules as its hint.
#[component]
pub fn NewPasswordField(
    #[prop(default = "Password")] label: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <Field
            label=label
            name="password"
            kind="password"
            autocomplete="new-password"
            hint=crate::auth::password_rules::hint()
            error=error
        />
    }
}

/// The action's last error when it is about no particular field (throttling, conflicts,
/// internal errors), as an alert.
#[component]
pub fn FormError<S>(action: ServerAction<S>) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let message = move || match action.value().get() {
        Some(Err(AppError::FieldInvalid { .. })) | Some(Ok(_)) | None => None,
        Some(Err(e)) => Some(e.to_string()),
    };
    view! {
        <Show when=move || message().is_some()>
            <p class="form-error" role="alert">{message}</p>
        </Show>
    }
}

/// Shows an error from loading a page's data; "please sign in" links to the sign-in page,
/// which comes back here.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthorized => {
            let location = use_location();
            let (path, search) = (
                location.pathname.get_untracked(),
                location.search.get_untracked(),
            );
            let here = if search.is_empty() {
                path
            } else {
                format!("{path}?{search}")
            };
            view! {
                <p class="notice">"Please " <a href=sign_in_href(&here)>"sign in"</a> " to see this page."</p>
            }
            .into_any()
        }
        other => view! { <p class="form-error" role="alert">{other.to_string()}</p> }.into_any(),
    }
}

/// A value with a button that copies it to the clipboard; `block` shows several lines (an
/// example program) as preformatted text.
#[component]
pub fn CopyValue(
    #[prop(into)] label: String,
    value: String,
    #[prop(optional)] test_id: &'static str,
    #[prop(optional)] block: bool,
) -> impl IntoView {
    let shown = if block {
        // A block scrolls sideways: focusable, so a keyboard can scroll it too.
        view! { <pre tabindex="0" aria-label=label.clone()><code data-testid=test_id>{value.clone()}</code></pre> }.into_any()
    } else {
        view! { <code data-testid=test_id>{value.clone()}</code> }.into_any()
    };
    view! {
        <div class="copy-value">
            <span class="copy-label">{label.clone()}</span>
            {shown}
            <CopyButton what=label text=value/>
        </div>
    }
}

/// A "Copy" button that puts `text` on the clipboard and says it did; `what` names the
/// value for screen readers ("Copy ARN").
#[component]
pub fn CopyButton(#[prop(into)] what: String, text: String) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _promise = window().navigator().clipboard().write_text(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        set_copied.set(true);
    };
    view! {
        <button type="button" class="secondary copy" on:click=copy aria-label=format!("Copy {what}")>
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}

/// Says the action's last call succeeded ("Cap saved."), until the next one starts.
#[component]
pub fn Saved<S>(action: ServerAction<S>, message: &'static str) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let saved = move || !action.pending().get() && matches!(action.value().get(), Some(Ok(_)));
    view! {
        <Show when=saved>
            <p class="notice" role="status">{message}</p>
        </Show>
    }
}
