//! The Activity page's download: the entries that match its filter, as CSV.

use super::ActivityEntry;
use crate::csv::push_row;

pub fn activity_csv(entries: &[ActivityEntry]) -> String {
    let mut out = String::from(
        "id,time,kind,actor,claimed,access_key_id,source,client_address,user_agent,identity,subject\r\n",
    );
    for e in entries {
        let id = e.id.to_string();
        let fields = [
            id.as_str(),
            &e.at,
            e.kind.name(),
            &e.actor,
            if e.claimed { "yes" } else { "" },
            e.access_key_id.as_deref().unwrap_or(""),
            &e.source,
            &e.client_address,
            &e.user_agent,
            e.identity.as_deref().unwrap_or(""),
            &e.subject,
        ];
        push_row(&mut out, &fields);
    }
    out
}
