//! Any bytes as a policy document (up to the first NUL) and request values (the rest):
//! parsing never panics, and a policy that parses evaluates without panicking, quickly
//! (libFuzzer's `-timeout` catches slow inputs such as backtracking wildcard patterns).

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_policy::{authorize, parse_policy, NamedPolicy, RequestContext};

const ARN: &str = "arn:aws:ses:us-east-1:888888888888:identity/example.com";

fuzz_target!(|data: &[u8]| {
    let (document, values) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (data, &[][..]),
    };
    let Ok(document) = std::str::from_utf8(document) else {
        return;
    };
    let Ok(policy) = parse_policy(document, ARN) else {
        return;
    };
    // Request values from the rest of the input: From address, then recipients.
    let values = String::from_utf8_lossy(values);
    let mut parts = values.split('\n');
    let from = parts.next().map(str::to_owned);
    let ctx = RequestContext {
        principal_account: "123456789012".into(),
        principal_user_arn: Some("arn:aws:iam::123456789012:user/app".into()),
        action: "ses:SendRawEmail".into(),
        identity_arn: ARN.into(),
        from_address: from.clone(),
        from_display_name: from,
        feedback_address: None,
        recipients: parts.map(str::to_owned).collect(),
        source_ip: Some("192.0.2.10".parse().expect("an IP address")),
        secure_transport: true,
        current_time: 1_780_000_000,
        api_version: "2".into(),
        user_agent: None,
    };
    let policies = [NamedPolicy {
        name: "fuzzed".into(),
        policy,
    }];
    let _ = authorize("888888888888", None, &policies, &ctx);
});
