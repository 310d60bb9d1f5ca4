//! The owner's view of its delegates: activity per delegate account, per-grant daily caps
//! checked in the send path, and Revoke taking the delegate out of the identity's policies
//! so its next send is denied.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    helpers::{ses_key, Browser, TestApp},
    sending::{element, put_policy, raise_send_rate, send, verified_domain, SIMULATOR},
};

#[sqlx::test(migrations = "../migrations")]
async fn an_owner_sees_caps_and_revokes_its_delegates(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let (stranger, _) = app.new_account("Stranger").await;
    let identity = verified_domain(&owner, "owner.example").await;
    raise_send_rate(&app.pool, &delegate_account).await;
    let arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/owner.example");
    let policy = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": ["{delegate_account}", "222222222222"]}}, "Action": "ses:SendEmail", "Resource": "{arn}"}}]}}"#
    );
    put_policy(&owner, &identity, "delegates", &policy).await;
    let key = ses_key(&delegate).await;
    let send_to_as = |arn: &str, count: usize| {
        let (app, key, arn) = (&app, &key, arn.to_owned());
        async move {
            let members: Vec<String> = (1..=count)
                .map(|i| format!("Destination.ToAddresses.member.{i}"))
                .collect();
            let mut form = vec![
                ("Action", "SendEmail"),
                ("Source", "news@owner.example"),
                ("SourceArn", arn.as_str()),
                ("Message.Subject.Data", "News"),
                ("Message.Body.Text.Data", "News"),
            ];
            form.extend(members.iter().map(|m| (m.as_str(), SIMULATOR)));
            send(app, key, &form).await
        }
    };
    let send_to = |count: usize| send_to_as(&arn, count);
    assert_eq!(send_to(1).await.0, StatusCode::OK);

    let rows = owner
        .json("delegates/activity", &[("identity_id", &identity)])
        .await;
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["delegate_account"] == delegate_account.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (row["granted"].clone(), row["messages"].clone()),
        (true.into(), 1.into()),
        "{rows}"
    );
    assert!(row["last_sent"].is_string());
    // A delegate that has sent from the identity is shown by its name.
    assert_eq!(row["delegate_name"], "Delegate");
    // Named in a policy but silent: listed too.
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["delegate_account"] == "222222222222" && r["messages"] == 0));
    // Another account's identity is not there to look at.
    stranger
        .error(
            "delegates/activity",
            &[("identity_id", &identity)],
            StatusCode::NOT_FOUND,
        )
        .await;

    // A cap of two recipients a day: one sent, one more fits, two more do not.
    let cap = |value: &'static str| {
        let (owner, identity, delegate_account) = (&owner, &identity, &delegate_account);
        async move {
            owner
                .json(
                    "delegates/set-cap",
                    &[
                        ("identity_id", identity),
                        ("delegate_account", delegate_account),
                        ("max_24_hour_send", value),
                    ],
                )
                .await
        }
    };
    cap("2").await;
    // However the ARN is spelled, the sends under it count against the cap.
    let shouting = format!("arn:aws:ses:us-east-1:{owner_account}:identity/OWNER.example");
    let (status, xml) = send_to_as(&shouting, 2).await;
    assert_eq!(element(&xml, "Code"), Some("Throttling"), "{status} {xml}");
    let (status, xml) = send_to(2).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("Throttling"));
    assert_eq!(
        element(&xml, "Message").unwrap(),
        format!("Daily message quota exceeded for identity {arn}: its owner allows your account 2 recipients in 24 hours.")
    );
    assert_eq!(send_to(1).await.0, StatusCode::OK);
    assert_eq!(send_to(1).await.0, StatusCode::BAD_REQUEST);
    cap("").await;
    assert_eq!(send_to(1).await.0, StatusCode::OK);
    // Caps are for real numbers and for the owner only.
    owner
        .error(
            "delegates/set-cap",
            &[
                ("identity_id", &identity),
                ("delegate_account", &delegate_account),
                ("max_24_hour_send", "-3"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    stranger
        .error(
            "delegates/set-cap",
            &[
                ("identity_id", &identity),
                ("delegate_account", &delegate_account),
                ("max_24_hour_send", "5"),
            ],
            StatusCode::NOT_FOUND,
        )
        .await;

    // An address identity under the domain with its own grant: its policies decide for
    // its address even under the domain's ARN, so revoking on the domain revokes it too.
    let address = owner
        .json(
            "identities/create-email",
            &[("region", "us-east-1"), ("email", "news@owner.example")],
        )
        .await["identity_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let address_arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/news@owner.example");
    let address_policy = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::{delegate_account}:user/admin"}}, "Action": "ses:SendEmail", "Resource": "{address_arn}"}}]}}"#
    );
    put_policy(&owner, &address, "news", &address_policy).await;

    // Revoke: the delegate leaves the policy (the other grantee stays) and is denied.
    stranger
        .error(
            "delegates/revoke",
            &[
                ("identity_id", &identity),
                ("delegate_account", &delegate_account),
            ],
            StatusCode::NOT_FOUND,
        )
        .await;
    owner
        .json(
            "delegates/revoke",
            &[
                ("identity_id", &identity),
                ("delegate_account", &delegate_account),
            ],
        )
        .await;
    let (status, xml) = send_to(1).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("AccessDenied"));
    let policies = owner
        .json("policies/list", &[("identity_id", &identity)])
        .await;
    let document = policies[0]["document"].as_str().unwrap();
    let on_address = owner
        .json("policies/list", &[("identity_id", &address)])
        .await;
    assert_eq!(
        on_address,
        serde_json::json!([]),
        "the address's only grant went"
    );
    assert!(
        !document.contains(&delegate_account) && document.contains("222222222222"),
        "{document}"
    );
    let rows = owner
        .json("delegates/activity", &[("identity_id", &identity)])
        .await;
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["delegate_account"] == delegate_account.as_str() && r["granted"] == false));
    // Nothing left to revoke.
    owner
        .error(
            "delegates/revoke",
            &[
                ("identity_id", &identity),
                ("delegate_account", &delegate_account),
            ],
            StatusCode::CONFLICT,
        )
        .await;
}

/// An attacker who names any account id in a policy on its own identity learns nothing about
/// that account: no name until the account itself sends from the identity.
#[sqlx::test(migrations = "../migrations")]
async fn naming_an_account_in_a_policy_does_not_reveal_its_name(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (attacker, attacker_account) = app.new_account("Attacker").await;
    let (_victim, victim_account) = app.new_account("Victim").await;
    let identity = verified_domain(&attacker, "bait.example").await;
    let arn = format!("arn:aws:ses:us-east-1:{attacker_account}:identity/bait.example");
    let policy = format!(
        r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{victim_account}"}}, "Action": "ses:SendEmail", "Resource": "{arn}"}}]}}"#
    );
    put_policy(&attacker, &identity, "bait", &policy).await;

    let rows = attacker
        .json("delegates/activity", &[("identity_id", &identity)])
        .await;
    let victim = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["delegate_account"] == victim_account.as_str())
        .unwrap_or_else(|| panic!("the named account is listed: {rows}"));
    assert_eq!(victim["delegate_name"], serde_json::Value::Null, "{rows}");
    assert!(!rows.to_string().contains("Victim"), "{rows}");
    // The Overview counts the named account as a partner, still without a name.
    let overview = attacker.json("overview", &[]).await;
    assert_eq!(overview["identities"][0]["partners"], 1, "{overview}");
    assert!(!overview.to_string().contains("Victim"), "{overview}");
}

/// The grants withdrawn from `browser`'s account: (identity, policy, what happened).
async fn withdrawn(browser: &Browser) -> Vec<(String, String, String)> {
    let list = browser.json("policies/withdrawn-from-me", &[]).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| {
            let field = |name: &str| w[name].as_str().unwrap().to_owned();
            (field("name"), field("policy"), field("what"))
        })
        .collect()
}

/// A delegate's "Shared with me" lists the grants withdrawn from it, however withdrawn —
/// revoked, the policy deleted, the identity deleted — and nothing for a change that still
/// names it; another account sees only its own.
#[sqlx::test(migrations = "../migrations")]
async fn delegates_are_told_when_a_grant_is_withdrawn(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let (other, other_account) = app.new_account("Other").await;
    let domain = |name: &'static str| {
        let owner = &owner;
        async move {
            let created = owner
                .json(
                    "identities/create-domain",
                    &[
                        ("region", "us-east-1"),
                        ("domain", name),
                        ("dkim_algorithm", "ed25519-sha256"),
                    ],
                )
                .await;
            created["identity_id"].as_str().unwrap().to_owned()
        }
    };
    let grant = |domain: &str, principals: &[&str], action: &str| {
        let principals: Vec<String> = principals.iter().map(|p| format!("\"{p}\"")).collect();
        format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": [{}]}}, "Action": "{action}", "Resource": "arn:aws:ses:us-east-1:{owner_account}:identity/{domain}"}}]}}"#,
            principals.join(", ")
        )
    };
    let news = domain("news.example").await;
    let mail = domain("mail.example").await;
    let both = [delegate_account.as_str(), other_account.as_str()];
    put_policy(
        &owner,
        &news,
        "revoked",
        &grant("news.example", &both, "ses:SendEmail"),
    )
    .await;
    put_policy(
        &owner,
        &news,
        "deleted",
        &grant("news.example", &both, "ses:SendEmail"),
    )
    .await;
    put_policy(
        &owner,
        &mail,
        "gone",
        &grant("mail.example", &both[..1], "ses:SendEmail"),
    )
    .await;
    // A rewrite that still names the delegate withdraws nothing.
    owner
        .json(
            "policies/put",
            &[
                ("identity_id", &news),
                ("name", "revoked"),
                (
                    "document",
                    &grant("news.example", &both, "ses:SendRawEmail"),
                ),
                ("replace", "true"),
            ],
        )
        .await;
    assert_eq!(withdrawn(&delegate).await, []);

    owner
        .json(
            "delegates/revoke",
            &[
                ("identity_id", &news),
                ("delegate_account", &delegate_account),
            ],
        )
        .await;
    owner
        .json(
            "policies/delete",
            &[("identity_id", &news), ("name", "deleted")],
        )
        .await;
    owner
        .json("identities/delete", &[("identity_id", &mail)])
        .await;

    let said = |name: &str, policy: &str, what: &str| {
        (name.to_owned(), policy.to_owned(), what.to_owned())
    };
    // Revoking takes the delegate out of every policy of the identity at once.
    let mut told = withdrawn(&delegate).await;
    assert_eq!(
        told.remove(0),
        said("mail.example", "gone", "The identity was deleted.")
    );
    told.sort();
    let changed = "The policy no longer names your account.";
    assert_eq!(
        told,
        [
            said("news.example", "deleted", changed),
            said("news.example", "revoked", changed),
        ]
    );
    assert_eq!(
        withdrawn(&other).await,
        [said("news.example", "deleted", "The policy was deleted.")]
    );
    // Naming and dropping an account over and over keeps one row: the latest.
    for _ in 0..3 {
        let again = grant("news.example", &both[1..], "ses:SendEmail");
        put_policy(&owner, &news, "deleted", &again).await;
        owner
            .json(
                "policies/delete",
                &[("identity_id", &news), ("name", "deleted")],
            )
            .await;
    }
    assert_eq!(withdrawn(&other).await.len(), 1);
    assert_eq!(withdrawn(&owner).await, []);
    // What the delegate is told names the identity and its owner, not the document.
    let listed = delegate.json("policies/withdrawn-from-me", &[]).await;
    let first = listed[0].as_object().unwrap();
    assert_eq!(first["owner_name"], "Owner");
    assert_eq!(
        first["arn"],
        format!("arn:aws:ses:us-east-1:{owner_account}:identity/mail.example").as_str()
    );
    assert!(!first.contains_key("document"));
}
