//! Sending authorization policies through the public surface: storing them with SES's
//! limits and texts, the simulator (which runs the send path's authorization), and a
//! delegate's "Shared with me".

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Browser, TestApp};

/// Adds an identity of `kind` ("domain" or "email") and returns its id.
async fn add_identity(admin: &Browser, kind: &str, name: &str) -> String {
    let created = match kind {
        "domain" => {
            admin
                .json(
                    "identities/create-domain",
                    &[
                        ("region", "us-east-1"),
                        ("domain", name),
                        ("dkim_algorithm", "ed25519-sha256"),
                    ],
                )
                .await
        }
        _ => {
            admin
                .json(
                    "identities/create-email",
                    &[("region", "us-east-1"), ("email", name)],
                )
                .await
        }
    };
    created["identity_id"].as_str().unwrap().to_owned()
}

/// A one-statement policy for `identity` of `owner`.
fn policy(owner: &str, identity: &str, effect: &str, principal: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#", "Condition": {condition}"#)
    };
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{effect}Delegate", "Effect": "{effect}", "Principal": {{"AWS": "{principal}"}}, "Action": ["ses:SendEmail", "ses:SendRawEmail"], "Resource": "arn:aws:ses:us-east-1:{owner}:identity/{identity}"{condition}}}]}}"#
    )
}

async fn put(admin: &Browser, identity: &str, name: &str, document: &str, replace: bool) {
    let replace = replace.to_string();
    admin
        .json(
            "policies/put",
            &[
                ("identity_id", identity),
                ("name", name),
                ("document", document),
                ("replace", &replace),
            ],
        )
        .await;
}

async fn put_error(
    admin: &Browser,
    identity: &str,
    name: &str,
    document: &str,
    status: StatusCode,
) -> Value {
    admin
        .error(
            "policies/put",
            &[
                ("identity_id", identity),
                ("name", name),
                ("document", document),
                ("replace", "false"),
            ],
            status,
        )
        .await
}

async fn simulate(admin: &Browser, identity: &str, principal: &str, from: &str) -> Value {
    admin
        .json(
            "policies/simulate",
            &[
                ("identity_id", identity),
                ("principal", principal),
                ("action", "ses:SendRawEmail"),
                ("from_address", from),
                ("from_display_name", ""),
                ("recipients", "someone@customer.example"),
                ("feedback_address", ""),
                ("source_ip", "192.0.2.1"),
                ("at", ""),
                ("secure_transport", "true"),
            ],
        )
        .await
}

#[sqlx::test(migrations = "../migrations")]
async fn policies_are_validated_stored_listed_replaced_and_deleted(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let identity = add_identity(&owner, "domain", "example.com").await;
    let grant = policy(&owner_account, "example.com", "Allow", "123456789012", "");

    put(&owner, &identity, "delegate-1", &grant, false).await;
    let listed = owner
        .json("policies/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(listed[0]["name"], "delegate-1");
    assert_eq!(listed[0]["document"], grant.as_str());

    // Adding under a taken name is refused; replacing needs the name to exist.
    let taken = put_error(
        &owner,
        &identity,
        "delegate-1",
        &grant,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(taken["field"], "name");
    assert_eq!(taken["message"], "Policy delegate-1 already exists.");
    let missing = owner
        .error(
            "policies/put",
            &[
                ("identity_id", &identity),
                ("name", "nope"),
                ("document", &grant),
                ("replace", "true"),
            ],
            StatusCode::NOT_FOUND,
        )
        .await;
    assert_eq!(missing["item"], "Policy nope");

    // Replacing changes the document in place.
    let narrower = policy(
        &owner_account,
        "example.com",
        "Allow",
        "123456789012",
        r#"{"StringLike": {"ses:FromAddress": "news@example.com"}}"#,
    );
    put(&owner, &identity, "delegate-1", &narrower, true).await;
    let listed = owner
        .json("policies/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["document"], narrower.as_str());

    owner
        .json(
            "policies/delete",
            &[("identity_id", &identity), ("name", "delegate-1")],
        )
        .await;
    let listed = owner
        .json("policies/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(listed, Value::Array(vec![]));
    owner
        .error(
            "policies/delete",
            &[("identity_id", &identity), ("name", "delegate-1")],
            StatusCode::NOT_FOUND,
        )
        .await;
}

#[sqlx::test(migrations = "../migrations")]
async fn invalid_names_and_documents_are_refused_naming_the_field(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let identity = add_identity(&owner, "domain", "example.com").await;
    let good = policy(&owner_account, "example.com", "Allow", "123456789012", "");
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;

    let cases: [(&str, String, &str, &str); 7] = [
        ("has space", good.clone(), "name", "PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores."),
        (&"n".repeat(65), good.clone(), "name", "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 64"),
        ("p", " ".into(), "document", "Policy is required."),
        ("p", "{not json".into(), "document", "Invalid policy: Policy: is not valid JSON"),
        ("p", policy("999999999999", "example.com", "Allow", "123456789012", ""), "document", "Invalid policy: Statement[0].Resource"),
        ("p", policy(&owner_account, "example.com", "Allow", "123456789012", r#"{"StringEquals": {"AWS:SourceAccount": "1"}}"#), "document", "Invalid policy: Statement[0].Condition.StringEquals.AWS:SourceAccount: unknown or unapplicable condition key"),
        ("p", format!("{{\"Statement\": [], \"Pad\": \"{}\"}}", "x".repeat(4100)), "document", "Invalid policy: Policy: is 4"),
    ];
    for (name, document, field, message) in &cases {
        let error = put_error(&owner, &identity, name, document, unprocessable).await;
        assert_eq!(error["field"], *field, "{name}: {error}");
        let actual = error["message"].as_str().unwrap();
        assert!(actual.starts_with(message), "{name}: {actual}");
    }
    // Nothing half-done was stored.
    let listed = owner
        .json("policies/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(listed, Value::Array(vec![]));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_identity_holds_at_most_twenty_policies(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let identity = add_identity(&owner, "domain", "example.com").await;
    let grant = policy(&owner_account, "example.com", "Allow", "123456789012", "");
    for i in 0..20 {
        put(&owner, &identity, &format!("p{i}"), &grant, false).await;
    }
    let refused = put_error(&owner, &identity, "p20", &grant, StatusCode::CONFLICT).await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .starts_with("Number of policies for example.com exceeds max allowed number of policies per resource"),
        "{refused}"
    );
    // Replacing one of the twenty is still allowed.
    put(&owner, &identity, "p7", &grant, true).await;
    let listed = owner
        .json("policies/list", &[("identity_id", &identity)])
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 20);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_simulator_names_the_deciding_statement(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (_, delegate) = app.new_account("Delegate").await;
    let (_, stranger) = app.new_account("Stranger").await;
    let identity = add_identity(&owner, "domain", "example.com").await;
    let allow = policy(&owner_account, "example.com", "Allow", &delegate, "");
    put(&owner, &identity, "grant", &allow, false).await;

    let owner_asks = simulate(&owner, &identity, &owner_account, "a@example.com").await;
    assert_eq!(owner_asks["allowed"], true);
    assert_eq!(
        owner_asks["explanation"],
        "Allowed: the caller owns the identity."
    );

    let granted = simulate(&owner, &identity, &delegate, "a@example.com").await;
    assert_eq!(granted["allowed"], true, "{granted}");
    assert_eq!(
        granted["explanation"],
        "Allowed by statement `AllowDelegate` of policy `grant`."
    );
    assert_eq!(granted["evaluated_identity"], "example.com");
    // A user of the delegate account is covered by a grant to the account.
    let user = format!("arn:aws:iam::{delegate}:user/app");
    assert_eq!(
        simulate(&owner, &identity, &user, "a@example.com").await["allowed"],
        true
    );

    let other = simulate(&owner, &identity, &stranger, "a@example.com").await;
    assert_eq!(other["allowed"], false);
    assert_eq!(
        other["explanation"],
        "Denied: no statement of the identity's policies allows this request."
    );

    // An explicit deny wins over the allow.
    let deny = policy(
        &owner_account,
        "example.com",
        "Deny",
        &delegate,
        r#"{"StringEquals": {"ses:FromAddress": "ceo@example.com"}}"#,
    );
    put(&owner, &identity, "no-ceo", &deny, false).await;
    let denied = simulate(&owner, &identity, &delegate, "ceo@example.com").await;
    assert_eq!(denied["allowed"], false);
    assert_eq!(
        denied["explanation"],
        "Denied by statement `DenyDelegate` of policy `no-ceo`."
    );
    assert_eq!(
        simulate(&owner, &identity, &delegate, "a@example.com").await["allowed"],
        true
    );

    // Bad input names its field.
    let bad = owner
        .error(
            "policies/simulate",
            &[
                ("identity_id", &identity),
                ("principal", "someone"),
                ("action", "ses:SendRawEmail"),
                ("from_address", ""),
                ("from_display_name", ""),
                ("recipients", ""),
                ("feedback_address", ""),
                ("source_ip", ""),
                ("at", ""),
                ("secure_transport", "true"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(bad["field"], "principal");
    // A From address the identity does not cover would name another identity.
    let outside = owner
        .error(
            "policies/simulate",
            &[
                ("identity_id", &identity),
                ("principal", &delegate),
                ("action", "ses:SendRawEmail"),
                ("from_address", "a@other.example"),
                ("from_display_name", ""),
                ("recipients", ""),
                ("feedback_address", ""),
                ("source_ip", ""),
                ("at", ""),
                ("secure_transport", "true"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(outside["field"], "from_address");
    // Subdomains are covered by their domain.
    assert_eq!(
        simulate(&owner, &identity, &delegate, "a@mail.example.com").await["allowed"],
        true
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn an_address_identitys_policies_take_precedence_over_its_domains(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (_, delegate) = app.new_account("Delegate").await;
    let domain = add_identity(&owner, "domain", "example.com").await;
    let address = add_identity(&owner, "email", "sender@example.com").await;
    // The domain denies the delegate; the address allows it.
    let deny_all = policy(&owner_account, "example.com", "Deny", &delegate, "");
    put(&owner, &domain, "deny", &deny_all, false).await;
    let allow_address = policy(&owner_account, "sender@example.com", "Allow", &delegate, "");
    put(&owner, &address, "allow", &allow_address, false).await;

    // From the address (through the domain's ARN too): the address's policy decides.
    let via_address = simulate(&owner, &address, &delegate, "sender@example.com").await;
    assert_eq!(via_address["allowed"], true, "{via_address}");
    assert_eq!(via_address["evaluated_identity"], "sender@example.com");
    let via_domain = simulate(&owner, &domain, &delegate, "sender@example.com").await;
    assert_eq!(via_domain["allowed"], true, "{via_domain}");
    // Any other address of the domain: the domain's deny.
    let other = simulate(&owner, &domain, &delegate, "other@example.com").await;
    assert_eq!(other["allowed"], false);
    assert_eq!(other["evaluated_identity"], "example.com");

    // The other way round: the domain allows, the address denies.
    let allow_all = policy(&owner_account, "example.com", "Allow", &delegate, "");
    put(&owner, &domain, "deny", &allow_all, true).await;
    let deny_address = policy(&owner_account, "sender@example.com", "Deny", &delegate, "");
    put(&owner, &address, "allow", &deny_address, true).await;
    assert_eq!(
        simulate(&owner, &domain, &delegate, "sender@example.com").await["allowed"],
        false
    );
    assert_eq!(
        simulate(&owner, &domain, &delegate, "other@example.com").await["allowed"],
        true
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn delegates_see_what_is_shared_with_them_and_nothing_else(pool: sqlx::PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let (stranger, _) = app.new_account("Stranger").await;
    let shared = add_identity(&owner, "domain", "shared.example").await;
    let public = add_identity(&owner, "domain", "public.example").await;
    let user = format!("arn:aws:iam::{delegate_account}:user/app");
    let grant = policy(
        &owner_account,
        "shared.example",
        "Allow",
        &user,
        r#"{"ForAllValues:StringLike": {"ses:Recipients": "*@customer.example"}}"#,
    );
    put(&owner, &shared, "to-delegate", &grant, false).await;
    // "*" names nobody in particular: not listed as shared with anyone.
    let anyone = policy(&owner_account, "public.example", "Allow", "*", "");
    put(&owner, &public, "anyone", &anyone, false).await;

    let seen = delegate.json("policies/shared-with-me", &[]).await;
    let seen = seen.as_array().unwrap();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        seen[0]["arn"],
        format!("arn:aws:ses:us-east-1:{owner_account}:identity/shared.example")
    );
    assert_eq!(seen[0]["owner_account"], owner_account.as_str());
    // Sharing introduces the owner: its display name comes with the identity.
    assert_eq!(seen[0]["owner_name"], "Owner");
    assert_eq!(seen[0]["status"], "Pending");
    // When the grant last changed, as the console writes a moment.
    let changed = seen[0]["grants_changed"].as_str().unwrap();
    assert!(
        changed.ends_with(" UTC") && changed.len() == 23,
        "{changed}"
    );
    let grant = &seen[0]["grants"][0];
    assert_eq!(grant["effect"], "Allow");
    assert_eq!(grant["principal"], user.as_str());
    assert_eq!(grant["policy"], "to-delegate");
    assert_eq!(
        grant["conditions"][0],
        "ForAllValues:StringLike ses:Recipients: *@customer.example"
    );

    assert_eq!(
        stranger.json("policies/shared-with-me", &[]).await,
        Value::Array(vec![])
    );
    // The owner's own identities are not "shared with" the owner.
    assert_eq!(
        owner.json("policies/shared-with-me", &[]).await,
        Value::Array(vec![])
    );
    // Revoking takes the identity off the delegate's page.
    owner
        .json(
            "policies/delete",
            &[("identity_id", &shared), ("name", "to-delegate")],
        )
        .await;
    assert_eq!(
        delegate.json("policies/shared-with-me", &[]).await,
        Value::Array(vec![])
    );
}
