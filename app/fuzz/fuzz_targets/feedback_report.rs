//! Any bytes as mail at a bounce address: reading it as a DSN or an ARF complaint report
//! never panics, whatever MIME structure it claims.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_wire::feedback_report::parse;

fuzz_target!(|data: &[u8]| {
    let _ = parse(data);
});
