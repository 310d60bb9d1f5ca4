//! The policy being written on the Authorization tab, shared by its editor and generator.

use leptos::prelude::*;

use crate::policies::StoredPolicy;

/// What the editor holds: a policy being added (`editing` false) or changed.
#[derive(Clone, Copy)]
pub(super) struct Draft {
    pub name: RwSignal<String>,
    pub document: RwSignal<String>,
    pub editing: RwSignal<bool>,
}

impl Draft {
    pub(super) fn new() -> Self {
        Self {
            name: RwSignal::new(String::new()),
            document: RwSignal::new(String::new()),
            editing: RwSignal::new(false),
        }
    }

    pub(super) fn edit(&self, policy: &StoredPolicy) {
        self.name.set(policy.name.clone());
        self.document.set(policy.document.clone());
        self.editing.set(true);
    }

    pub fn clear(&self) {
        self.name.set(String::new());
        self.document.set(String::new());
        self.editing.set(false);
    }
}
