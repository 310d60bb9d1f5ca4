use leptos::prelude::*;
use uuid::Uuid;

use super::{
    draft::Draft, editor::PolicyEditor, generator::PolicyGenerator, simulator::PolicySimulator,
};
use crate::{
    components::{loaded, ConfirmSubmit, FormError},
    policies::{list_policies, DeletePolicy, PutPolicy, StoredPolicy},
};

/// The identity page's Authorization tab: who may send as this identity.
#[component]
pub fn AuthorizationTab(identity_id: Uuid, arn: String) -> impl IntoView {
    let put = ServerAction::<PutPolicy>::new();
    let delete = ServerAction::<DeletePolicy>::new();
    let policies = Resource::new(
        move || (put.version().get(), delete.version().get()),
        move |_| list_policies(identity_id),
    );
    let draft = Draft::new();
    let list = loaded(policies, move |policies: Vec<StoredPolicy>| {
        if policies.is_empty() {
            return view! { <p class="muted">"No policies: only this account can send as this identity."</p> }.into_any();
        }
        policies
            .into_iter()
            .map(|policy| {
                let name = policy.name.clone();
                let test_id = format!("policy-{name}");
                view! {
                    <article class="policy" data-testid=test_id>
                        <header class="policy-header">
                            <h3>{name.clone()}</h3>
                            <span class="muted">"Updated " {policy.updated_at.clone()}</span>
                            <button type="button" class="secondary" on:click={
                                let policy = policy.clone();
                                move |_| draft.edit(&policy)
                            }>"Edit"</button>
                            <ActionForm action=delete>
                                <input type="hidden" name="identity_id" value=identity_id.to_string()/>
                                <input type="hidden" name="name" value=name.clone()/>
                                <ConfirmSubmit label="Delete"
                                    question=format!("Delete the policy {name}? The accounts it allows can no longer send as this identity, unless another policy allows them.")
                                    confirm=format!("Yes, delete {name}")/>
                            </ActionForm>
                        </header>
                        <pre class="policy-document">{policy.document}</pre>
                    </article>
                }
            })
            .collect_view()
            .into_any()
    });
    view! {
        <section class="card">
            <h2>"Sending authorization policies"</h2>
            <p class="muted">"Policies let other accounts (delegate senders) send as this identity. Deleting a grant takes effect on the delegate's next send."</p>
            {list}
            <FormError action=delete/>
        </section>
        <PolicyGenerator identity_id arn=arn.clone() draft/>
        <PolicyEditor identity_id arn draft put/>
        <PolicySimulator identity_id/>
    }
}
