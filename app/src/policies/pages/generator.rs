use leptos::prelude::*;
use uuid::Uuid;

use super::draft::Draft;
use crate::{
    partners::PartnerLinks,
    policies::{split_list, Effect, PolicyDraft, ACTIONS},
};

/// The generator form's answers, as typed.
#[derive(Clone, Copy)]
struct Answers {
    sid: RwSignal<String>,
    deny: RwSignal<bool>,
    principals: RwSignal<String>,
    actions: [RwSignal<bool>; 4],
    from_addresses: RwSignal<String>,
    from_display_names: RwSignal<String>,
    recipients: RwSignal<String>,
    feedback_addresses: RwSignal<String>,
    not_before: RwSignal<String>,
    not_after: RwSignal<String>,
    source_ips: RwSignal<String>,
}

impl Answers {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            sid: RwSignal::new("AllowDelegate".to_owned()),
            deny: RwSignal::new(false),
            principals: text(),
            // SendEmail and SendRawEmail: what SES's own generator grants by default.
            actions: [0, 1, 2, 3].map(|i| RwSignal::new(i < 2)),
            from_addresses: text(),
            from_display_names: text(),
            recipients: text(),
            feedback_addresses: text(),
            not_before: text(),
            not_after: text(),
            source_ips: text(),
        }
    }

    fn to_draft(self) -> PolicyDraft {
        let list = |s: RwSignal<String>| split_list(&s.get_untracked());
        let time = |s: RwSignal<String>| Some(s.get_untracked()).filter(|t| !t.is_empty());
        PolicyDraft {
            sid: self.sid.get_untracked().trim().to_owned(),
            effect: if self.deny.get_untracked() {
                Effect::Deny
            } else {
                Effect::Allow
            },
            principals: list(self.principals),
            actions: ACTIONS
                .iter()
                .zip(self.actions)
                .filter(|(_, on)| on.get_untracked())
                .map(|(action, _)| (*action).to_owned())
                .collect(),
            from_addresses: list(self.from_addresses),
            from_display_names: list(self.from_display_names),
            recipients: list(self.recipients),
            feedback_addresses: list(self.feedback_addresses),
            not_before: time(self.not_before),
            not_after: time(self.not_after),
            source_ips: list(self.source_ips),
        }
    }
}

/// The policy generator: answers to a few questions become a policy in the editor, where
/// it is validated and can be changed before saving.
#[component]
pub(super) fn PolicyGenerator(identity_id: Uuid, arn: String, draft: Draft) -> impl IntoView {
    let answers = Answers::new();
    // A partner picked from the links is added to the delegates, once.
    let pick = Callback::new(move |account: String| {
        answers.principals.update(|typed| {
            if !split_list(typed).contains(&account) {
                if !typed.trim().is_empty() {
                    typed.push('\n');
                }
                typed.push_str(&account);
            }
        })
    });
    let write = move |_| {
        draft.document.set(answers.to_draft().to_document(&arn));
        if draft.name.get_untracked().is_empty() {
            draft
                .name
                .set(answers.sid.get_untracked().trim().to_owned());
        }
    };
    view! {
        <section class="card">
            <h2>"Policy generator"</h2>
            <p class="muted">"Lists take one item per line or comma. Patterns may use * and ?. Leave a condition empty to not restrict by it."</p>
            <div class="generator">
                <Answer label="Statement id (Sid)" id="gen-sid" value=answers.sid/>
                <div class="field">
                    <label for="gen-effect">"Effect"</label>
                    <select id="gen-effect" on:change=move |e| answers.deny.set(event_target_value(&e) == "Deny")>
                        <option value="Allow">"Allow"</option>
                        <option value="Deny">"Deny"</option>
                    </select>
                </div>
                <Answer label="Delegates" id="gen-principals" value=answers.principals multiline=true
                    hint="Account ids (12 digits) or user ARNs (arn:aws:iam::<account>:user/<name>), or a partner picked below."/>
                <PartnerLinks identity_id pick/>
                <fieldset class="field">
                    <legend>"Actions"</legend>
                    {ACTIONS.iter().zip(answers.actions).map(|(action, on)| view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || on.get() on:change=move |e| on.set(event_target_checked(&e))/>
                            {*action}
                        </label>
                    }).collect_view()}
                </fieldset>
                <Answer label="From addresses" id="gen-from" value=answers.from_addresses hint="e.g. marketing+*@example.com"/>
                <Answer label="From display names" id="gen-display" value=answers.from_display_names/>
                <Answer label="Recipients (every recipient must match)" id="gen-recipients" value=answers.recipients multiline=true hint="e.g. *@customer.example"/>
                <Answer label="Feedback (Return-Path) addresses" id="gen-feedback" value=answers.feedback_addresses/>
                <Answer label="Not before (UTC)" id="gen-not-before" value=answers.not_before kind="datetime-local"/>
                <Answer label="Not after (UTC)" id="gen-not-after" value=answers.not_after kind="datetime-local"/>
                <Answer label="Source IPs" id="gen-ips" value=answers.source_ips hint="Addresses or CIDR blocks, IPv4 or IPv6."/>
            </div>
            <button type="button" on:click=write>"Write policy into the editor"</button>
        </section>
    }
}

/// One labelled answer bound to a signal.
#[component]
fn Answer(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] multiline: bool,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let input = if multiline {
        view! {
            <textarea id=id rows="2" prop:value=move || value.get()
                on:input=move |e| value.set(event_target_value(&e))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id type=kind prop:value=move || value.get()
                on:input=move |e| value.set(event_target_value(&e))/>
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
        </div>
    }
}
