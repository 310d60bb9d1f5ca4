use leptos::prelude::*;
use uuid::Uuid;

use super::draft::Draft;
use crate::{
    components::{field_error, FormError},
    policies::{parse_policy, PutPolicy},
};

/// The custom policy editor. The browser validates the document as it is typed with the
/// same parser the server uses, so what it calls valid is what the server accepts.
#[component]
pub(super) fn PolicyEditor(
    identity_id: Uuid,
    arn: String,
    draft: Draft,
    put: ServerAction<PutPolicy>,
) -> impl IntoView {
    let validation = move || {
        let document = draft.document.get();
        if document.trim().is_empty() {
            return None;
        }
        Some(match parse_policy(&document, &arn) {
            Ok(policy) => Ok(format!(
                "Valid policy with {} statement(s).",
                policy.statements.len()
            )),
            Err(e) => Err(format!("Invalid policy: {e}")),
        })
    };
    Effect::new(move |_| {
        if matches!(put.value().get(), Some(Ok(()))) {
            draft.clear();
        }
    });
    let heading = move || {
        if draft.editing.get() {
            "Edit policy"
        } else {
            "New policy"
        }
    };
    view! {
        <section class="card">
            <h2>{heading}</h2>
            <ActionForm action=put>
                <input type="hidden" name="identity_id" value=identity_id.to_string()/>
                <input type="hidden" name="replace" value=move || draft.editing.get().to_string()/>
                <div class="field">
                    <label for="field-policy-name">"Policy name"</label>
                    <input id="field-policy-name" name="name" required=true
                        readonly=move || draft.editing.get()
                        prop:value=move || draft.name.get()
                        on:input=move |e| draft.name.set(event_target_value(&e))/>
                    <p class="hint">"Letters, digits, - and _; at most 64."</p>
                    <p class="field-error">{move || field_error(put, "name").get()}</p>
                </div>
                <div class="field">
                    <label for="field-policy-document">"Policy document (JSON)"</label>
                    <textarea id="field-policy-document" name="document" rows="16" spellcheck="false" class="code"
                        prop:value=move || draft.document.get()
                        on:input=move |e| draft.document.set(event_target_value(&e))></textarea>
                    <p class="validation" data-testid="policy-validation" aria-live="polite">
                        {move || match validation() {
                            None => view! { <span class="muted">"Write a policy or use the generator above."</span> }.into_any(),
                            Some(Ok(message)) => view! { <span class="valid">{message}</span> }.into_any(),
                            Some(Err(message)) => view! { <span class="invalid">{message}</span> }.into_any(),
                        }}
                    </p>
                    <p class="field-error">{move || field_error(put, "document").get()}</p>
                </div>
                <FormError action=put/>
                <div class="button-row">
                    <button type="submit" disabled=move || put.pending().get()>"Save policy"</button>
                    <Show when=move || draft.editing.get()>
                        <button type="button" class="secondary" on:click=move |_| draft.clear()>"Cancel"</button>
                    </Show>
                </div>
            </ActionForm>
            <Show when=move || matches!(put.value().get(), Some(Ok(())))>
                <p class="notice" role="status">"Policy saved."</p>
            </Show>
        </section>
    }
}
