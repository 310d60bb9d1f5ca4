use leptos::prelude::*;
use leptos_router::components::A;

use crate::{
    accounts::{account_regions, RegionOptions, RegionSubmit},
    components::{field_error, Field, FormError},
    sending::{list_send_as, SendTestEmail, SIMULATOR_SCENARIOS},
};

/// `/send`: send a test message as one of this account's verified identities or one
/// shared with it (picked, so nobody types an ARN), to anyone or to a simulator scenario,
/// through the same checks as the API.
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
                <SendAsPicker/>
                <Field label="From" name="from" hint="An address the identity covers: the address itself, or any address at the domain." error=field_error(send, "from")/>
                <div class="field">
                    <label for="field-to">"To"</label>
                    <input id="field-to" name="to" type="text" list="simulator-scenarios" required=true
                        aria-describedby="field-to-hint field-to-error"/>
                    <datalist id="simulator-scenarios">
                        {SIMULATOR_SCENARIOS.into_iter().map(|(address, what)| view! { <option value=address>{what}</option> }).collect_view()}
                    </datalist>
                    <p class="hint" id="field-to-hint">"Any address, or a mailbox simulator scenario (pick from the list): delivered, bounce, out-of-office, complaint, suppression list."</p>
                    <p class="field-error" id="field-to-error">{move || field_error(send, "to").get()}</p>
                </div>
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

/// "Send as": the verified identities the caller may send as, by name, each sent as its
/// ARN (`source_arn`); or no ARN, for the own identity covering From.
#[component]
fn SendAsPicker() -> impl IntoView {
    let identities = Resource::new(|| (), |_| list_send_as());
    view! {
        <div class="field">
            <label for="field-source_arn">"Send as"</label>
            <select id="field-source_arn" name="source_arn">
                <option value="">"Your own identity that covers From"</option>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        identities.await.unwrap_or_default().into_iter().map(|i| view! {
                            <option value=i.arn.clone()>{i.label()}</option>
                        }).collect_view()
                    })}
                </Transition>
            </select>
            <p class="hint">"Verified identities only: your own, and those shared with you (sent with their ARN, as SourceArn)."</p>
        </div>
    }
}
