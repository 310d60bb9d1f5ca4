use leptos::prelude::*;
use uuid::Uuid;

use crate::{
    components::{field_error, FormError},
    policies::{SimulatePolicy, ACTIONS},
};

/// The simulator: may this principal send as this identity, from this address, to these
/// recipients, at this time, from this IP? Answered by the same authorization a send runs.
#[component]
pub(super) fn PolicySimulator(identity_id: Uuid) -> impl IntoView {
    let simulate = ServerAction::<SimulatePolicy>::new();
    let error = move |field| field_error(simulate, field);
    let result = move || {
        simulate.value().get().and_then(Result::ok).map(|s| {
            let (class, verdict) = if s.allowed {
                ("verdict allow", "Allow")
            } else {
                ("verdict deny", "Deny")
            };
            let evaluated = s
                .evaluated_identity
                .map(|i| format!("Evaluated the policies of {i}."));
            view! {
                <div class=class data-testid="simulation" role="status">
                    <strong data-testid="verdict">{verdict}</strong>
                    <p data-testid="explanation">{s.explanation}</p>
                    {evaluated.map(|e| view! { <p class="muted">{e}</p> })}
                </div>
            }
        })
    };
    view! {
        <section class="card">
            <h2>"Simulator"</h2>
            <p class="muted">"Ask whether a delegate may send as this identity, and which statement decides."</p>
            <ActionForm action=simulate>
                <input type="hidden" name="identity_id" value=identity_id.to_string()/>
                <div class="generator">
                    <div class="field">
                        <label for="sim-principal">"Principal"</label>
                        <input id="sim-principal" name="principal" required=true placeholder="123456789012 or arn:aws:iam::123456789012:user/app"/>
                        <p class="field-error">{move || error("principal").get()}</p>
                    </div>
                    <div class="field">
                        <label for="sim-action">"Action"</label>
                        <select id="sim-action" name="action">
                            {ACTIONS.iter().map(|a| view! { <option value=*a>{*a}</option> }).collect_view()}
                        </select>
                        <p class="field-error">{move || error("action").get()}</p>
                    </div>
                    <div class="field">
                        <label for="sim-from">"From address"</label>
                        <input id="sim-from" name="from_address" type="email"/>
                        <p class="field-error">{move || error("from_address").get()}</p>
                    </div>
                    <div class="field">
                        <label for="sim-display">"From display name"</label>
                        <input id="sim-display" name="from_display_name"/>
                    </div>
                    <div class="field">
                        <label for="sim-recipients">"Recipients"</label>
                        <textarea id="sim-recipients" name="recipients" rows="2"></textarea>
                        <p class="hint">"One per line or comma."</p>
                    </div>
                    <div class="field">
                        <label for="sim-feedback">"Feedback (Return-Path) address"</label>
                        <input id="sim-feedback" name="feedback_address"/>
                    </div>
                    <div class="field">
                        <label for="sim-ip">"Source IP"</label>
                        <input id="sim-ip" name="source_ip"/>
                        <p class="field-error">{move || error("source_ip").get()}</p>
                    </div>
                    <div class="field">
                        <label for="sim-at">"At (UTC; empty means now)"</label>
                        <input id="sim-at" name="at" type="datetime-local"/>
                        <p class="field-error">{move || error("at").get()}</p>
                    </div>
                    <div class="field">
                        <label for="sim-tls">"Over TLS"</label>
                        <select id="sim-tls" name="secure_transport">
                            <option value="true">"Yes"</option>
                            <option value="false">"No"</option>
                        </select>
                    </div>
                </div>
                <FormError action=simulate/>
                <button type="submit" disabled=move || simulate.pending().get()>"Simulate"</button>
            </ActionForm>
            {result}
        </section>
    }
}
