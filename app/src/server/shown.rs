//! How the UI writes a moment: `2026-11-29 14:03:27 UTC`, the same on every page.

use time::{macros::format_description, OffsetDateTime};

pub fn shown(moment: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    moment
        .to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}
