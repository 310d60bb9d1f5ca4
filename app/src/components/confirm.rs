//! A destructive action that asks first: its button opens a question naming what will go,
//! and only the second button submits. A `<details>` disclosure, so it asks the same
//! without JavaScript.

use leptos::prelude::*;

/// Inside an `ActionForm`, in place of its submit button: `label` opens `question`, and
/// `confirm` (say "Yes, delete ann@example.com") submits the form.
#[component]
pub fn ConfirmSubmit(
    label: &'static str,
    #[prop(into)] question: String,
    #[prop(into)] confirm: String,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="danger" role="button">{label}</summary>
            <div class="confirm-question">
                <p>{question}</p>
                <button type="submit" class="danger">{confirm}</button>
            </div>
        </details>
    }
}
