//! Decisions per second for a 4-statement policy, reported as a ratio against a baseline
//! measured in the same run: parsing the same policy's JSON text into a `serde_json::Value`
//! (the least any policy check that starts from the stored text must do).
//!
//! Run: `cargo bench -p sesame-policy` (the README quotes the figures). Order: baseline,
//! the measured operations, baseline again; the run fails if the two baselines differ by
//! more than 15% (a noisy neighbour took the machine).

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use sesame_policy::{authorize, parse_policy, NamedPolicy, RequestContext};

const OWNER: &str = "888888888888";
const ARN: &str = "arn:aws:ses:us-east-1:888888888888:identity/example.com";
const WARM_UP: Duration = Duration::from_secs(1);
const RUN: Duration = Duration::from_secs(2);
const REPETITIONS: usize = 3;

/// Four statements that all apply to the measured request's principal, so the evaluator
/// checks every one (a deny anywhere would win): allows with From, recipient, time and
/// IP conditions, and a deny that does not match.
fn document() -> String {
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Id": "Benchmark",
  "Statement": [
    {{"Sid": "Marketing", "Effect": "Allow", "Principal": {{"AWS": ["123456789012", "arn:aws:iam::222222222222:root"]}},
      "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "{ARN}",
      "Condition": {{"StringLike": {{"ses:FromAddress": "marketing+*@example.com"}},
                    "ForAllValues:StringLike": {{"ses:Recipients": ["*@customer.example", "*@partner.example"]}}}}}},
    {{"Sid": "Window", "Effect": "Allow", "Principal": {{"AWS": "123456789012"}},
      "Action": "ses:Send*", "Resource": "{ARN}",
      "Condition": {{"DateGreaterThan": {{"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
                    "DateLessThan": {{"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}}}},
    {{"Sid": "Office", "Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::123456789012:user/app"}},
      "Action": "ses:SendRawEmail", "Resource": "{ARN}",
      "Condition": {{"IpAddress": {{"aws:SourceIp": ["192.0.2.0/24", "2001:db8::/32"]}}}}}},
    {{"Sid": "NoCeo", "Effect": "Deny", "Principal": {{"AWS": "123456789012"}},
      "Action": "ses:*", "Resource": "{ARN}",
      "Condition": {{"StringEqualsIgnoreCase": {{"ses:FromAddress": "ceo@example.com"}}}}}}
  ]
}}"#
    )
}

fn request() -> RequestContext {
    RequestContext {
        principal_account: "123456789012".into(),
        principal_user_arn: Some("arn:aws:iam::123456789012:user/app".into()),
        action: "ses:SendRawEmail".into(),
        identity_arn: ARN.into(),
        from_address: Some("marketing+spring@example.com".into()),
        from_display_name: Some("Example Marketing".into()),
        feedback_address: None,
        recipients: vec!["ann@customer.example".into(), "bob@partner.example".into()],
        source_ip: Some("192.0.2.10".parse().expect("an IP address")),
        secure_transport: true,
        current_time: 1_780_000_000,
        api_version: "2".into(),
        user_agent: None,
    }
}

/// Operations per second of `op`: the median of several timed runs.
fn per_second(op: &mut dyn FnMut()) -> f64 {
    let mut rates: Vec<f64> = (0..REPETITIONS).map(|_| timed(op, RUN)).collect();
    rates.sort_by(f64::total_cmp);
    rates[REPETITIONS / 2]
}

/// Runs `op` for `length`; returns operations per second.
fn timed(op: &mut dyn FnMut(), length: Duration) -> f64 {
    let (start, mut count) = (Instant::now(), 0u64);
    while start.elapsed() < length {
        for _ in 0..64 {
            op();
        }
        count += 64;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let text = document();
    let policy = parse_policy(&text, ARN).expect("the benchmark policy is valid");
    assert_eq!(policy.statements.len(), 4);
    let policies = [NamedPolicy {
        name: "benchmark".into(),
        policy,
    }];
    let ctx = request();
    assert!(authorize(OWNER, None, &policies, &ctx).is_allowed());

    let mut baseline = || {
        black_box(serde_json::from_str::<serde_json::Value>(black_box(&text)).ok());
    };
    let mut decide = || {
        black_box(authorize(
            OWNER,
            None,
            black_box(&policies),
            black_box(&ctx),
        ));
    };
    let mut parse = || {
        black_box(parse_policy(black_box(&text), ARN).ok());
    };
    // Warm every path (caches, allocator, CPU clock) before anything counts.
    for op in [&mut baseline as &mut dyn FnMut(), &mut decide, &mut parse] {
        timed(op, WARM_UP);
    }
    let before = per_second(&mut baseline);
    let decisions = per_second(&mut decide);
    let parses = per_second(&mut parse);
    let after = per_second(&mut baseline);

    let drift = (before - after).abs() / before.max(after);
    let base = (before + after) / 2.0;
    println!("policy: 4 statements, {} bytes", text.len());
    println!("baseline (serde_json::Value parse of the document): {before:.0}/s then {after:.0}/s");
    println!(
        "decisions: {decisions:.0}/s ({:.2} µs each) = {:.1}× the baseline",
        1e6 / decisions,
        decisions / base
    );
    println!(
        "parse and validate: {parses:.0}/s ({:.2} µs each) = {:.2}× the baseline",
        1e6 / parses,
        parses / base
    );
    if drift > 0.15 {
        eprintln!(
            "the baselines differ by {:.0}%: the machine was busy; run again",
            drift * 100.0
        );
        std::process::exit(1);
    }
}
