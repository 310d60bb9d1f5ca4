//! Any bytes as a `SendRawEmail` message. Reading never panics, and what is stored is
//! what was authorized: the stored message has CRLF line breaks only, no `X-SES-*` header
//! left, and reads back with the very From, Sender, Return-Path and recipients that were
//! checked. Line-break normalisation is idempotent.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_wire::{line_endings::normalise, raw_message::parse_raw};

fuzz_target!(|data: &[u8]| {
    let normalised = normalise(data);
    assert_eq!(normalise(&normalised), normalised);
    let Ok(accepted) = parse_raw(data) else {
        return;
    };
    assert_eq!(normalise(&accepted.message), accepted.message);
    let stored = parse_raw(&accepted.message).expect("a stored message reads back");
    assert_eq!(stored.from, accepted.from);
    assert_eq!(stored.sender, accepted.sender);
    assert_eq!(stored.return_path, accepted.return_path);
    assert_eq!(stored.recipients, accepted.recipients);
    assert_eq!(
        (stored.source_arn, stored.from_arn, stored.return_path_arn),
        (None, None, None),
        "an X-SES header survived"
    );
    assert_eq!(
        (stored.configuration_set, stored.message_tags),
        (None, None)
    );
});
