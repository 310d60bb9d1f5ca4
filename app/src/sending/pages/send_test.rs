use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    accounts::{account_regions, RegionOptions, RegionSubmit},
    components::{field_error, Field, FormError},
    sending::SendTestEmail,
};

/// `/send`: send a test message from an identity of this account, or from one shared with
/// it (by its ARN), through the same checks as the API.
#[component]
pub fn SendTestPage() -> impl IntoView {
    let send = ServerAction::<SendTestEmail>::new();
    let regions = account_regions();
    let sent = move || {
        send.value()
            .get()
            .and_then(Result::ok)
            .map(|id| view! {
                <p class="notice" role="status">"Accepted as " <code data-testid="message-id">{id}</code> ". See " <A href="/messages">"Messages"</A> "."</p>
            })
    };
    view! {
        <h1>"Send test email"</h1>
        <section class="card">
            <ActionForm action=send>
                <div class="field">
                    <label for="field-region">"Region"</label>
                    <select id="field-region" name="region"><RegionOptions regions/></select>
                </div>
                <Field label="From" name="from" hint="An address of one of your verified identities, or of an identity shared with you." error=field_error(send, "from")/>
                <div class="field">
                    <label for="field-source_arn">"Identity ARN (for a shared identity)"</label>
                    <input id="field-source_arn" name="source_arn" placeholder="arn:aws:ses:us-east-1:123456789012:identity/example.com"/>
                    <p class="hint">"Leave empty to send from your own identities. Shared identities are listed under Shared with me."</p>
                </div>
                <Field label="To" name="to" error=field_error(send, "to")/>
                <Field label="Subject" name="subject" error=field_error(send, "subject")/>
                <div class="field">
                    <label for="field-text">"Text"</label>
                    <textarea id="field-text" name="text" rows="5"></textarea>
                </div>
                <FormError action=send/>
                <RegionSubmit regions pending=send.pending() label="Send"/>
            </ActionForm>
            {sent}
        </section>
    }
}
