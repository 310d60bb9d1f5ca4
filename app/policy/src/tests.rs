//! Table-driven tests of the policy language against SES's documented examples and IAM's
//! rules, plus properties that must hold for every policy.

use super::*;

const DOMAIN: &str = "arn:aws:ses:us-east-1:888888888888:identity/example.com";
const ADDRESS: &str = "arn:aws:ses:us-east-1:888888888888:identity/sender@example.com";
const OWNER: &str = "888888888888";
const DELEGATE: &str = "123456789012";
/// 2021-09-15T00:00:00Z
const SEPTEMBER: i64 = 1_631_664_000;

fn request() -> RequestContext {
    RequestContext {
        principal_account: DELEGATE.to_owned(),
        principal_user_arn: Some(format!("arn:aws:iam::{DELEGATE}:user/app")),
        action: "ses:SendEmail".to_owned(),
        identity_arn: DOMAIN.to_owned(),
        from_address: Some("sender@example.com".to_owned()),
        from_display_name: Some("Marketing Team".to_owned()),
        feedback_address: Some("bounces@example.com".to_owned()),
        recipients: vec!["ann@example.com".to_owned()],
        source_ip: Some("192.0.2.10".parse().unwrap()),
        secure_transport: true,
        current_time: SEPTEMBER,
        api_version: "1".to_owned(),
        user_agent: Some("aws-cli/2".to_owned()),
    }
}

fn named(name: &str, json: &str, identity: &str) -> NamedPolicy {
    NamedPolicy {
        name: name.to_owned(),
        policy: parse_policy(json, identity).unwrap_or_else(|e| panic!("{name}: {e}")),
    }
}

/// One Allow statement for the delegate on the domain, with a condition block.
fn allow_with(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S","Effect":"Allow","Resource":"{DOMAIN}",
            "Principal":{{"AWS":["{DELEGATE}"]}},"Action":["ses:SendEmail","ses:SendRawEmail"],"Condition":{condition}}}]}}"#
    )
}

fn decide(json: &str, ctx: &RequestContext) -> bool {
    evaluate(&[named("p", json, DOMAIN)], ctx).is_allowed()
}

#[test]
fn example_1_from_address_pattern_for_an_account() {
    let json = allow_with(r#"{"StringLike":{"ses:FromAddress":"marketing+*@example.com"}}"#);
    let mut ctx = request();
    ctx.from_address = Some("marketing+spring@example.com".into());
    assert!(decide(&json, &ctx));
    ctx.from_address = Some("sales@example.com".into());
    assert!(!decide(&json, &ctx));
    ctx.principal_account = "999999999999".into();
    ctx.from_address = Some("marketing+spring@example.com".into());
    assert!(!decide(&json, &ctx), "another account is not granted");
}

#[test]
fn example_2_user_principals_allow_only_those_users() {
    let json = format!(
        r#"{{"Id":"ExampleAuthorizationPolicy","Version":"2012-10-17","Statement":[{{"Sid":"AuthorizeIAMUser","Effect":"Allow",
            "Resource":"{DOMAIN}","Principal":{{"AWS":["arn:aws:iam::111122223333:user/John","arn:aws:iam::444455556666:user/Jane"]}},
            "Action":["ses:SendEmail","ses:SendRawEmail"]}}]}}"#
    );
    let mut ctx = request();
    ctx.principal_account = "444455556666".into();
    ctx.principal_user_arn = Some("arn:aws:iam::444455556666:user/Jane".into());
    assert!(decide(&json, &ctx));
    ctx.principal_user_arn = Some("arn:aws:iam::444455556666:user/Bob".into());
    assert!(
        !decide(&json, &ctx),
        "another user of the same account is not granted"
    );
}

#[test]
fn examples_5_to_8_from_time_action_and_display_name() {
    let from = allow_with(r#"{"StringEquals":{"ses:FromAddress":"sender@example.com"}}"#);
    assert!(decide(&from, &request()));
    let mut other = request();
    other.from_address = Some("other@example.com".into());
    assert!(!decide(&from, &other));

    let september = allow_with(
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2021-08-31T12:00Z"},"DateLessThan":{"aws:CurrentTime":"2021-10-01T12:00Z"}}"#,
    );
    assert!(decide(&september, &request()));
    let mut october = request();
    october.current_time = SEPTEMBER + 40 * 86_400;
    assert!(!decide(&september, &october));

    let raw_only = format!(
        r#"{{"Statement":[{{"Sid":"ControlAction","Effect":"Allow","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":["ses:SendRawEmail"]}}]}}"#
    );
    assert!(!decide(&raw_only, &request()));
    let mut raw = request();
    raw.action = "ses:SendRawEmail".into();
    assert!(decide(&raw_only, &raw));

    let display = allow_with(r#"{"StringLike":{"ses:FromDisplayName":"Marketing*"}}"#);
    assert!(decide(&display, &request()));
}

#[test]
fn example_9_for_all_values_needs_every_recipient() {
    let json = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Sid":"AuthorizeAWS","Effect":"Allow","Resource":"{ADDRESS}","Principal":{{"AWS":["111111111111","222222222222"]}},
              "Action":["ses:SendEmail","ses:SendRawEmail"],"Condition":{{"StringLike":{{"ses:FromAddress":"*@example.com","ses:FeedbackAddress":"*@example.com"}}}}}},
            {{"Sid":"AuthorizeInternal","Effect":"Allow","Resource":"{ADDRESS}","Principal":{{"AWS":"arn:aws:iam::333333333333:user/Jane"}},
              "Action":["ses:SendEmail","ses:SendRawEmail"],"Condition":{{"ForAllValues:StringLike":{{"ses:Recipients":"*@example.com"}}}}}}]}}"#
    );
    let policies = [named("p", &json, ADDRESS)];
    let mut jane = request();
    jane.principal_account = "333333333333".into();
    jane.principal_user_arn = Some("arn:aws:iam::333333333333:user/Jane".into());
    jane.recipients = vec!["a@example.com".into(), "b@example.com".into()];
    assert_eq!(
        evaluate(&policies, &jane),
        Decision::Allowed {
            policy: "p".into(),
            sid: Some("AuthorizeInternal".into())
        }
    );
    jane.recipients.push("c@elsewhere.org".into());
    assert!(
        matches!(
            evaluate(&policies, &jane),
            Decision::NoStatementAllows { unmet: Some(ref u) } if u.sid.as_deref() == Some("AuthorizeInternal")
        ),
        "one disallowed recipient fails ForAllValues, and the statement it failed is named"
    );
    jane.recipients.clear();
    assert!(
        evaluate(&policies, &jane).is_allowed(),
        "ForAllValues holds for no recipients"
    );

    let mut partner = request();
    partner.principal_account = "222222222222".into();
    assert!(evaluate(&policies, &partner).is_allowed());
    partner.feedback_address = Some("bounces@partner.net".into());
    assert!(
        !evaluate(&policies, &partner).is_allowed(),
        "keys under one operator AND together"
    );
}

#[test]
fn for_any_value_needs_one_match_and_fails_on_none() {
    let json = allow_with(r#"{"ForAnyValue:StringEquals":{"ses:Recipients":["vip@example.com"]}}"#);
    let mut ctx = request();
    ctx.recipients = vec!["x@other.org".into(), "vip@example.com".into()];
    assert!(decide(&json, &ctx));
    ctx.recipients.clear();
    assert!(!decide(&json, &ctx));
}

#[test]
fn explicit_deny_wins_over_any_allow() {
    let allow = named("allow", &allow_with("{}"), DOMAIN);
    let deny = named(
        "deny",
        &format!(
            r#"{{"Statement":{{"Sid":"NoAdmin","Effect":"Deny","Resource":"{DOMAIN}","Principal":"*","Action":"ses:*","Condition":{{"StringLike":{{"ses:FromAddress":"*admin*example.com"}}}}}}}}"#
        ),
        DOMAIN,
    );
    let mut ctx = request();
    assert!(evaluate(&[allow.clone(), deny.clone()], &ctx).is_allowed());
    ctx.from_address = Some("admin@example.com".into());
    assert_eq!(
        evaluate(&[allow, deny], &ctx),
        Decision::DeniedExplicitly {
            policy: "deny".into(),
            sid: Some("NoAdmin".into())
        }
    );
}

#[test]
fn address_policies_take_precedence_over_domain_policies_both_ways() {
    let allow_domain = named("domain", &allow_with("{}"), DOMAIN);
    let deny_domain = named(
        "domain",
        &format!(
            r#"{{"Statement":[{{"Effect":"Deny","Resource":"{DOMAIN}","Principal":{{"AWS":"{DELEGATE}"}},"Action":"ses:Send*"}}]}}"#
        ),
        DOMAIN,
    );
    let allow_address = named(
        "address",
        &format!(
            r#"{{"Statement":[{{"Effect":"Allow","Resource":"{ADDRESS}","Principal":{{"AWS":"{DELEGATE}"}},"Action":"ses:Send*"}}]}}"#
        ),
        ADDRESS,
    );
    let deny_address = named(
        "address",
        &format!(
            r#"{{"Statement":[{{"Effect":"Deny","Resource":"{ADDRESS}","Principal":{{"AWS":"{DELEGATE}"}},"Action":"ses:Send*"}}]}}"#
        ),
        ADDRESS,
    );
    let ctx = request();
    // Domain denies, address allows: the delegate may send from that address.
    assert!(authorize(
        OWNER,
        Some(&[allow_address]),
        std::slice::from_ref(&deny_domain),
        &ctx
    )
    .is_allowed());
    // Domain allows, address denies: not from that address…
    assert!(!authorize(
        OWNER,
        Some(&[deny_address]),
        std::slice::from_ref(&allow_domain),
        &ctx
    )
    .is_allowed());
    // …but from addresses without policies of their own the domain's apply.
    assert!(authorize(OWNER, None, &[allow_domain], &ctx).is_allowed());
    assert!(!authorize(OWNER, Some(&[]), &[deny_domain], &ctx).is_allowed());
}

#[test]
fn the_owner_needs_no_policy() {
    let mut ctx = request();
    ctx.principal_account = OWNER.into();
    assert_eq!(authorize(OWNER, None, &[], &ctx), Decision::AllowedAsOwner);
    assert_eq!(
        authorize(OWNER, None, &[], &request()),
        Decision::NoStatementAllows { unmet: None }
    );
}

#[test]
fn absent_keys_fail_positive_operators_and_pass_negated_and_if_exists() {
    let mut ctx = request();
    ctx.feedback_address = None;
    assert!(!decide(
        &allow_with(r#"{"StringLike":{"ses:FeedbackAddress":"*@example.com"}}"#),
        &ctx
    ));
    assert!(decide(
        &allow_with(r#"{"StringNotLike":{"ses:FeedbackAddress":"*@evil.com"}}"#),
        &ctx
    ));
    assert!(decide(
        &allow_with(r#"{"StringLikeIfExists":{"ses:FeedbackAddress":"*@example.com"}}"#),
        &ctx
    ));
    assert!(decide(
        &allow_with(r#"{"Null":{"ses:FeedbackAddress":"true"}}"#),
        &ctx
    ));
    assert!(!decide(
        &allow_with(r#"{"Null":{"ses:FeedbackAddress":"false"}}"#),
        &ctx
    ));
    // IfExists still applies the test when the key is present.
    ctx.feedback_address = Some("x@evil.com".into());
    assert!(!decide(
        &allow_with(r#"{"StringLikeIfExists":{"ses:FeedbackAddress":"*@example.com"}}"#),
        &ctx
    ));
}

#[test]
fn source_ip_conditions_cover_v4_and_v6() {
    let json = allow_with(r#"{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}"#);
    let mut ctx = request();
    assert!(decide(&json, &ctx));
    ctx.source_ip = Some("2001:db8::7".parse().unwrap());
    assert!(decide(&json, &ctx));
    ctx.source_ip = Some("198.51.100.1".parse().unwrap());
    assert!(!decide(&json, &ctx));
    assert!(decide(
        &allow_with(r#"{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"#),
        &ctx
    ));
}

#[test]
fn string_matching_is_case_sensitive_unless_asked_and_actions_are_not() {
    // (Address keys are the exception: they compare lower-cased, as identities do — see
    // `case_and_unicode_in_a_domain_do_not_slip_past_a_deny`.)
    let mut ctx = request();
    ctx.from_display_name = Some("Marketing TEAM".into());
    assert!(!decide(
        &allow_with(r#"{"StringEquals":{"ses:FromDisplayName":"Marketing Team"}}"#),
        &ctx
    ));
    assert!(decide(
        &allow_with(r#"{"StringEqualsIgnoreCase":{"ses:FromDisplayName":"Marketing Team"}}"#),
        &ctx
    ));
    let upper = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Resource":"{DOMAIN}","Principal":{{"AWS":"{DELEGATE}"}},"Action":"SES:SendEmail"}}]}}"#
    );
    assert!(decide(&upper, &request()));
}

#[test]
fn bool_numeric_and_api_version_conditions() {
    let mut ctx = request();
    assert!(decide(
        &allow_with(r#"{"Bool":{"aws:SecureTransport":"true"}}"#),
        &ctx
    ));
    ctx.secure_transport = false;
    assert!(!decide(
        &allow_with(r#"{"Bool":{"aws:SecureTransport":true}}"#),
        &ctx
    ));
    assert!(decide(
        &allow_with(&format!(
            r#"{{"NumericLessThan":{{"aws:EpochTime":{}}}}}"#,
            SEPTEMBER + 1
        )),
        &ctx
    ));
    assert!(!decide(
        &allow_with(r#"{"StringEquals":{"ses:ApiVersion":"2"}}"#),
        &ctx
    ));
    ctx.api_version = "2".into();
    assert!(decide(
        &allow_with(r#"{"StringEquals":{"ses:ApiVersion":"2"}}"#),
        &ctx
    ));
}

#[test]
fn invalid_policies_name_the_offending_field() {
    let statement = |body: &str| format!(r#"{{"Statement":[{{{body}}}]}}"#);
    let base = format!(
        r#""Effect":"Allow","Resource":"{DOMAIN}","Principal":{{"AWS":"{DELEGATE}"}},"Action":"ses:SendEmail""#
    );
    let cases = [
        ("not json".to_owned(), "Policy"),
        (r#"{"Version":"2012-10-17"}"#.to_owned(), "Statement"),
        (r#"{"Statement":[]}"#.to_owned(), "Statement"),
        (r#"{"Statement":[],"Extra":1}"#.to_owned(), "Policy.Extra"),
        (
            statement(&base.replace("Allow", "Permit")),
            "Statement[0].Effect",
        ),
        (
            statement(&base.replace(&format!(r#","Principal":{{"AWS":"{DELEGATE}"}}"#), "")),
            "Statement[0].Principal",
        ),
        (
            statement(&base.replace(DELEGATE, "12345")),
            "Statement[0].Principal.AWS",
        ),
        (
            statement(&base.replace("ses:SendEmail", "s3:GetObject")),
            "Statement[0].Action",
        ),
        (
            statement(&base.replace("example.com", "other.com")),
            "Statement[0].Resource",
        ),
        (
            statement(&base.replace(OWNER, "777777777777")),
            "Statement[0].Resource",
        ),
        (
            statement(&format!(
                r#"{base},"Condition":{{"StringMatches":{{"ses:FromAddress":"x"}}}}"#
            )),
            "Statement[0].Condition.StringMatches",
        ),
        (
            statement(&format!(
                r#"{base},"Condition":{{"StringEquals":{{"AWS:SourceAccount":"x"}}}}"#
            )),
            "Statement[0].Condition.StringEquals.AWS:SourceAccount",
        ),
        (
            statement(&format!(
                r#"{base},"Condition":{{"ForAllValues:StringLike":{{"ses:FromAddress":"x"}}}}"#
            )),
            "Statement[0].Condition.ForAllValues:StringLike.ses:FromAddress",
        ),
        (
            statement(&format!(
                r#"{base},"Condition":{{"IpAddress":{{"aws:SourceIp":"300.1.1.1"}}}}"#
            )),
            "Statement[0].Condition.IpAddress.aws:SourceIp",
        ),
        (
            statement(&format!(
                r#"{base},"Condition":{{"DateLessThan":{{"aws:CurrentTime":"soon"}}}}"#
            )),
            "Statement[0].Condition.DateLessThan.aws:CurrentTime",
        ),
        (
            statement(&format!(
                r#"{base},"Condition":{{"IpAddress":{{"ses:FromAddress":"1.2.3.4"}}}}"#
            )),
            "Statement[0].Condition.IpAddress.ses:FromAddress",
        ),
        (
            statement(&format!(r#"{base},"NotAction":"x""#)),
            "Statement[0].NotAction",
        ),
    ];
    for (json, field) in cases {
        let error = parse_policy(&json, DOMAIN).expect_err(&json);
        assert_eq!(error.field, field, "{json}: {error}");
    }
}

#[test]
fn resources_may_use_a_wildcard_region_and_policies_are_limited_to_4kb() {
    let any_region = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Resource":"arn:aws:ses:*:{OWNER}:identity/example.com","Principal":"*","Action":"ses:Send*"}}]}}"#
    );
    assert!(parse_policy(&any_region, DOMAIN).is_ok());
    let big = format!(
        r#"{{"Id":"{}","Statement":[]}}"#,
        "x".repeat(MAX_POLICY_BYTES)
    );
    assert_eq!(parse_policy(&big, DOMAIN).unwrap_err().field, "Policy");
}

#[test]
fn policy_names_follow_ses_rules() {
    assert!(check_policy_name("Delegate_1-x").is_ok());
    assert_eq!(
        check_policy_name("").unwrap_err(),
        "PolicyName is required."
    );
    assert!(check_policy_name(&"a".repeat(64)).is_ok());
    assert!(check_policy_name(&"a".repeat(65))
        .unwrap_err()
        .contains("less than or equal to 64"));
    assert!(check_policy_name("has space")
        .unwrap_err()
        .contains("alpha-numeric"));
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn arbitrary_condition() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("{}".to_owned()),
            "[a-z*?]{0,6}@example\\.com"
                .prop_map(|p| format!(r#"{{"StringLike":{{"ses:FromAddress":"{p}"}}}}"#)),
            "[a-z*]{0,4}".prop_map(|p| format!(
                r#"{{"ForAllValues:StringLike":{{"ses:Recipients":"{p}*"}}}}"#
            )),
            Just(r#"{"StringNotLike":{"ses:FeedbackAddress":"*@evil.com"}}"#.to_owned()),
            Just(r#"{"IpAddress":{"aws:SourceIp":"192.0.2.0/25"}}"#.to_owned()),
        ]
    }

    fn arbitrary_request() -> impl Strategy<Value = RequestContext> {
        (
            "[a-z]{1,5}",
            prop::collection::vec("[a-z]{1,3}@(example\\.com|other\\.org)", 0..3),
            any::<bool>(),
        )
            .prop_map(|(local, recipients, evil)| {
                let mut ctx = request();
                ctx.from_address = Some(format!("{local}@example.com"));
                ctx.recipients = recipients;
                ctx.feedback_address = Some(if evil {
                    "x@evil.com".into()
                } else {
                    "x@example.com".into()
                });
                ctx
            })
    }

    proptest! {
        /// Adding a Deny statement never turns a Deny into an Allow.
        #[test]
        fn adding_a_deny_never_allows_more(allow in arbitrary_condition(), deny in arbitrary_condition(), ctx in arbitrary_request()) {
            let base = named("base", &allow_with(&allow), DOMAIN);
            let extra = named("deny", &allow_with(&deny).replace(r#""Effect":"Allow""#, r#""Effect":"Deny""#), DOMAIN);
            let before = evaluate(std::slice::from_ref(&base), &ctx).is_allowed();
            let after = evaluate(&[base, extra], &ctx).is_allowed();
            prop_assert!(!after || before);
        }

        /// Evaluation stays fast on adversarial wildcard patterns.
        #[test]
        fn adversarial_patterns_evaluate_quickly(stars in 1usize..200) {
            let pattern = "*a".repeat(stars) + "b";
            let json = allow_with(&format!(r#"{{"StringLike":{{"ses:FromAddress":"{pattern}"}}}}"#));
            let mut ctx = request();
            ctx.from_address = Some("a".repeat(3000));
            let start = std::time::Instant::now();
            prop_assert!(!decide(&json, &ctx));
            prop_assert!(start.elapsed() < std::time::Duration::from_millis(500));
        }
    }
}

#[test]
fn case_and_unicode_in_a_domain_do_not_slip_past_a_deny() {
    // Allow everything from the delegate, but Deny anything at rival.example: every
    // spelling of that domain a receiver would take as the same one is denied.
    let json = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*"}},
            {{"Effect":"Deny","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*",
              "Condition":{{"ForAnyValue:StringLike":{{"ses:Recipients":"*@RIVAL.example"}},
                           "StringLike":{{"ses:FromAddress":"*"}}}}}},
            {{"Effect":"Deny","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*",
              "Condition":{{"StringEquals":{{"ses:FeedbackAddress":"bounce@rival.example"}}}}}}]}}"#
    );
    assert!(decide(&json, &request()), "the Allow applies");
    for spelling in [
        "x@rival.example",
        "x@RIVAL.example",
        "x@Rival.Example",
        "x@ＲＩＶＡＬ.example",
    ] {
        let mut ctx = request();
        ctx.recipients = vec!["ann@example.com".into(), spelling.into()];
        assert!(!decide(&json, &ctx), "recipient {spelling} passed the Deny");
        let mut ctx = request();
        ctx.feedback_address = Some(spelling.replace("x@", "bounce@"));
        assert!(!decide(&json, &ctx), "feedback {spelling} passed the Deny");
    }
    let deny_from = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*"}},
            {{"Effect":"Deny","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*",
              "Condition":{{"StringLike":{{"ses:FromAddress":"*@ceo.example.com"}}}}}}]}}"#
    );
    for spelling in ["boss@ceo.example.com", "boss@CEO.Example.COM"] {
        let mut ctx = request();
        ctx.from_address = Some(spelling.into());
        assert!(!decide(&deny_from, &ctx), "From {spelling} passed the Deny");
    }
    // Local parts too: identities treat addresses case-insensitively, so conditions do.
    let deny_ceo = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*"}},
            {{"Effect":"Deny","Resource":"{DOMAIN}","Principal":{{"AWS":["{DELEGATE}"]}},"Action":"ses:*",
              "Condition":{{"StringEquals":{{"ses:FromAddress":"ceo@example.com"}}}}}}]}}"#
    );
    for spelling in ["ceo@example.com", "CEO@example.com", "Ceo@Example.com."] {
        let mut ctx = request();
        ctx.from_address = Some(spelling.into());
        assert!(!decide(&deny_ceo, &ctx), "From {spelling} passed the Deny");
    }
    // A wildcard domain in Unicode could never match the IDNA form requests carry.
    let unmatchable = allow_with(r#"{"StringLike":{"ses:Recipients":"*@bü*.example"}}"#);
    assert!(parse_policy(&unmatchable, DOMAIN).is_err());
}

#[test]
fn a_deny_for_want_of_a_condition_names_it() {
    let from_news = named(
        "grant",
        &allow_with(r#"{"StringEquals": {"ses:FromAddress": "news@example.com"}}"#),
        DOMAIN,
    );
    let decision = evaluate(&[from_news], &request());
    assert!(!decision.is_allowed());
    assert_eq!(
        decision.explain(),
        "Denied: no statement of the identity's policies allows this request. Statement `S` of policy `grant` names the caller, but its condition StringEquals ses:FromAddress: news@example.com does not hold."
    );
    // A statement that names somebody else is not what the caller missed.
    let mut stranger = request();
    stranger.principal_account = "999999999999".into();
    stranger.principal_user_arn = None;
    let from_news = named(
        "grant",
        &allow_with(r#"{"StringEquals": {"ses:FromAddress": "news@example.com"}}"#),
        DOMAIN,
    );
    assert_eq!(
        evaluate(&[from_news], &stranger),
        Decision::NoStatementAllows { unmet: None }
    );
}
