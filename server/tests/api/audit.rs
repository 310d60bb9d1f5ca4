//! The audit log through the public surface: each change (from the console or the SES
//! API) writes exactly one entry naming who made it, through what and from where; a
//! refused change writes none; only an account's admins (and operators) read it; entries
//! cannot be rewritten, and the retention sweep removes only old ones.

use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::helpers::{ses_call_with, ses_form, ses_key, Browser, TestApp, PASSWORD};

/// The caller's log, newest first, narrowed by `kind`, `actor` and `identity`.
async fn activity(browser: &Browser, kind: &str, actor: &str, identity: &str) -> Vec<Value> {
    let page = browser
        .json(
            "activity/list",
            &[("kind", kind), ("actor", actor), ("identity", identity)],
        )
        .await;
    page["entries"].as_array().unwrap().clone()
}

fn kinds(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

fn policy(owner: &str, sid: &str) -> String {
    format!(
        "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\n    \"Sid\": \"{sid}\",\n    \"Effect\": \"Allow\",\n    \"Principal\": {{\"AWS\": \"111122223333\"}},\n    \"Action\": \"ses:SendEmail\",\n    \"Resource\": \"arn:aws:ses:us-east-1:{owner}:identity/acme.example\"\n  }}]\n}}"
    )
}

async fn add_domain(admin: &Browser) -> String {
    let created = admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", "acme.example"),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await;
    created["identity_id"].as_str().unwrap().to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn each_change_is_one_entry_naming_who_through_what_and_the_diff(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let me = format!("arn:aws:iam::{account}:user/admin");
    let identity = add_domain(&admin).await;
    let put = |name: &'static str, document: String, replace: &'static str| {
        let (admin, identity) = (&admin, identity.clone());
        async move {
            admin
                .call(
                    "policies/put",
                    &[
                        ("identity_id", identity.as_str()),
                        ("name", name),
                        ("document", document.as_str()),
                        ("replace", replace),
                    ],
                )
                .await
        }
    };
    admin
        .expect_ok(put("grant", policy(&account, "First"), "false").await)
        .await;
    // Refused changes leave nothing behind: a bad document, a name in use.
    assert_eq!(
        put("grant", "{not json".to_owned(), "true").await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        put("grant", policy(&account, "Again"), "false")
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let key = ses_key(&admin).await;
    let body = ses_form(&[
        ("Action", "PutIdentityPolicy"),
        ("Identity", "acme.example"),
        ("PolicyName", "grant"),
        ("Policy", &policy(&account, "Second")),
    ]);
    let ua = [("user-agent", "aws-cli/2.17 audit-test")];
    let (status, _, text) = ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &ua).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    admin
        .json(
            "policies/delete",
            &[("identity_id", &identity), ("name", "grant")],
        )
        .await;

    let entries = activity(&admin, "", "", "").await;
    assert_eq!(
        kinds(&entries),
        [
            "policy.deleted",
            "policy.updated",
            "access_key.created",
            "policy.created",
            "identity.created",
            "sign_in.succeeded",
        ]
    );
    let (deleted, updated, created) = (&entries[0], &entries[1], &entries[3]);
    assert_eq!(deleted["source"], "console");
    assert_eq!(deleted["actor"], me);
    assert_eq!(deleted["access_key_id"], Value::Null);
    assert_eq!(deleted["client_address"], "127.0.0.1");
    assert_eq!(updated["source"], "api:PutIdentityPolicy");
    assert_eq!(updated["actor"], me);
    assert_eq!(updated["access_key_id"], key.0.as_str());
    assert_eq!(updated["user_agent"], "aws-cli/2.17 audit-test");
    assert_eq!(updated["identity"], "acme.example");
    assert_eq!(updated["subject"], "grant");
    // The update's diff: the Sid line went from First to Second, the rest kept.
    let lines: Vec<(String, String)> = updated["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let change = l["change"].as_str().unwrap().to_owned();
            (change, l["text"].as_str().unwrap().trim().to_owned())
        })
        .collect();
    let changed: Vec<_> = lines.iter().filter(|(c, _)| c != "Kept").collect();
    assert_eq!(
        changed,
        [
            &("Removed".to_owned(), "\"Sid\": \"First\",".to_owned()),
            &("Added".to_owned(), "\"Sid\": \"Second\",".to_owned())
        ]
    );
    assert!(created["diff"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["change"] == "Added"));
    assert!(deleted["diff"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["change"] == "Removed"));

    // The identity's History holds what happened to it, and nothing else.
    let history = admin
        .json("activity/identity", &[("identity_id", &identity)])
        .await;
    let history = history.as_array().unwrap();
    assert_eq!(
        kinds(history),
        [
            "policy.deleted",
            "policy.updated",
            "policy.created",
            "identity.created"
        ]
    );
    // Narrowing: a family, an exact kind, an access key, an identity.
    assert_eq!(activity(&admin, "policy", "", "").await.len(), 3);
    assert_eq!(activity(&admin, "policy.updated", "", "").await.len(), 1);
    assert_eq!(activity(&admin, "", &key.0, "").await.len(), 1);
    assert_eq!(activity(&admin, "", &me, "").await.len(), 6);
    assert_eq!(activity(&admin, "", "", "other.example").await.len(), 0);
    let unknown = admin
        .error(
            "activity/list",
            &[("kind", "policy%"), ("actor", ""), ("identity", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    assert_eq!(unknown["field"], "kind");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_the_accounts_admins_and_operators_read_its_log(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let identity = add_domain(&admin).await;
    let viewer = app
        .add_user(&admin, "viewer", "viewer@acme.example.com", "viewer")
        .await;
    for endpoint in ["activity/list", "activity/csv"] {
        viewer
            .error(
                endpoint,
                &[("kind", ""), ("actor", ""), ("identity", "")],
                StatusCode::FORBIDDEN,
            )
            .await;
    }
    viewer
        .error(
            "activity/identity",
            &[("identity_id", &identity)],
            StatusCode::FORBIDDEN,
        )
        .await;
    // Another account's admin sees only their own log, and not the identity's history.
    let (rival, _) = app.new_account("Rival").await;
    let theirs = activity(&rival, "", "", "").await;
    assert_eq!(kinds(&theirs), ["sign_in.succeeded"]);
    assert!(theirs[0]["actor"]
        .as_str()
        .unwrap()
        .ends_with(":user/admin"));
    assert!(!theirs[0]["actor"].as_str().unwrap().contains(&account));
    rival
        .error(
            "activity/identity",
            &[("identity_id", &identity)],
            StatusCode::NOT_FOUND,
        )
        .await;
    // Account users cannot call the operator's view; an operator reads any account's.
    let form = [
        ("account_id", account.as_str()),
        ("kind", "identity"),
        ("actor", ""),
        ("identity", ""),
    ];
    admin
        .error("operator/activity", &form, StatusCode::UNAUTHORIZED)
        .await;
    let operator = app.operator().await;
    let page = operator.json("operator/activity", &form).await;
    assert_eq!(
        kinds(page["entries"].as_array().unwrap()),
        ["identity.created"]
    );
    // Inviting and joining are the admin's and the new user's entries.
    let users = activity(&admin, "user", "", "").await;
    assert_eq!(kinds(&users), ["user.joined", "user.invited"]);
    assert_eq!(
        users[0]["actor"],
        format!("arn:aws:iam::{account}:user/viewer")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn failed_sign_ins_are_recorded_and_the_csv_cannot_carry_a_formula(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, account) = app.new_account("Acme").await;
    let attacker = app.browser_as("=HYPERLINK(\"http://evil.example\",\"x\")");
    attacker
        .error(
            "auth/sign-in",
            &[
                ("email", "admin@acme.example.com"),
                ("password", "guess-1-guess"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    // An address nobody signs in with belongs to no account's log.
    attacker
        .error(
            "auth/sign-in",
            &[("email", "nobody@acme.example.com"), ("password", PASSWORD)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    let failed = activity(&admin, "sign_in.failed", "", "").await;
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["subject"], "incorrect password");
    assert_eq!(
        failed[0]["actor"],
        format!("arn:aws:iam::{account}:user/admin")
    );
    assert_eq!(failed[0]["claimed"], true);
    // Anyone may fail to sign in as anyone: past the hourly cap, failures are counted by
    // the throttle but no longer fill the log.
    let cap = app::audit::FAILED_SIGN_INS_PER_HOUR - 1;
    sqlx::query(
        "insert into audit_entry (account_id, actor_kind, actor, source, kind)
         select $1, 'anonymous', $2, 'console', 'sign_in.failed' from generate_series(1, $3)",
    )
    .bind(&account)
    .bind(format!("arn:aws:iam::{account}:user/admin"))
    .bind(cap as i32)
    .execute(&app.pool)
    .await
    .unwrap();
    let guess = [
        ("email", "admin@acme.example.com"),
        ("password", "guess-2-guess"),
    ];
    app.browser()
        .error("auth/sign-in", &guess, StatusCode::UNPROCESSABLE_ENTITY)
        .await;
    let count: i64 =
        sqlx::query_scalar("select count(*) from audit_entry where kind = 'sign_in.failed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(count, app::audit::FAILED_SIGN_INS_PER_HOUR);
    sqlx::query("delete from audit_entry where source = 'console' and user_agent is null and kind = 'sign_in.failed'")
        .execute(&app.pool)
        .await
        .unwrap();

    let link = admin
        .json(
            "activity/csv",
            &[("kind", ""), ("actor", ""), ("identity", "")],
        )
        .await;
    let encoded = link
        .as_str()
        .unwrap()
        .strip_prefix("data:text/csv;base64,")
        .unwrap();
    use base64::Engine;
    let csv = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let rows: Vec<&str> = csv.split("\r\n").filter(|r| !r.is_empty()).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("id,time,kind,actor,claimed"));
    assert!(rows[1].contains("sign_in.failed"));
    assert!(
        rows[1].contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""),
        "{}",
        rows[1]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn entries_cannot_be_rewritten_and_only_old_ones_are_swept(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let (admin, account) = app.new_account("Acme").await;
    add_domain(&admin).await;
    let rewrite = sqlx::query("update audit_entry set actor = 'someone else'")
        .execute(&pool)
        .await;
    assert!(rewrite
        .unwrap_err()
        .to_string()
        .contains("audit entries are append-only"));
    sqlx::query(
        "insert into audit_entry (account_id, at, actor_kind, actor, source, kind)
         values ($1, now() - interval '401 days', 'sesame', 'Sesame', 'test', 'identity.verified')",
    )
    .bind(&account)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(activity(&admin, "", "", "").await.len(), 3);
    let swept = app::audit::db::forget_older_than(&pool, 400).await.unwrap();
    assert_eq!(swept, 1);
    assert_eq!(
        kinds(&activity(&admin, "", "", "").await),
        ["identity.created", "sign_in.succeeded"]
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn zone_sets_destinations_and_the_suppression_list_are_recorded(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, crate::notifications::loopback_webhooks).await;
    let (admin, _) = app.new_account("Acme").await;
    crate::sending::verified_domain(&admin, "acme.example").await;
    let (destination, _) =
        crate::notifications::webhook(&admin, "orders", "http://127.0.0.1:9/hook", &["bounce"])
            .await;
    let toggle = [
        ("destination_id", destination.as_str()),
        ("enabled", "false"),
    ];
    admin.json("event-destinations/set-enabled", &toggle).await;
    admin
        .json(
            "event-destinations/delete",
            &[("destination_id", destination.as_str())],
        )
        .await;
    let suppressed = [
        ("email_address", "Gone@Customer.example"),
        ("reason", "BOUNCE"),
    ];
    admin.json("suppression/add", &suppressed).await;
    admin
        .json(
            "suppression/remove",
            &[("email_address", "gone@customer.example")],
        )
        .await;
    // Removing what is not there changes nothing, and records nothing.
    admin
        .error(
            "suppression/remove",
            &[("email_address", "gone@customer.example")],
            StatusCode::NOT_FOUND,
        )
        .await;
    let key = ses_key(&admin).await;
    let body = ses_form(&[
        ("Action", "DeleteConfigurationSet"),
        ("ConfigurationSetName", "orders"),
    ]);
    let (status, _, text) = ses_call_with(&app, &key, &body, OffsetDateTime::now_utc(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");

    let entries = activity(&admin, "", "", "").await;
    let changes: Vec<&str> = kinds(&entries)
        .into_iter()
        .filter(|k| !k.starts_with("sign_in.") && !k.starts_with("access_key."))
        .collect();
    assert_eq!(
        changes,
        [
            "configuration_set.deleted",
            "suppression.removed",
            "suppression.added",
            "event_destination.deleted",
            "event_destination.disabled",
            "event_destination.added",
            "configuration_set.created",
            "identity.verified",
            "identity.dev_zone_published",
            "identity.created",
        ]
    );
    assert_eq!(entries[0]["source"], "api:DeleteConfigurationSet");
    assert_eq!(entries[0]["subject"], "orders (us-east-1)");
    let verified = entries
        .iter()
        .find(|e| e["kind"] == "identity.verified")
        .unwrap();
    assert_eq!(verified["actor"], "Sesame");
    assert_eq!(verified["source"], "verification");
    let added = entries
        .iter()
        .find(|e| e["kind"] == "suppression.added")
        .unwrap();
    assert_eq!(added["subject"], "gone@customer.example (BOUNCE)");
}

/// The same name in two regions is two identities: each History holds its own entries
/// only, while the Activity page's identity filter (a name) finds both.
#[sqlx::test(migrations = "../migrations")]
async fn an_identitys_history_is_its_own_not_its_namesakes(pool: PgPool) {
    let app = TestApp::spawn_with(pool, |s| {
        s.regions = vec!["us-east-1".into(), "eu-west-1".into()]
    })
    .await;
    let (admin, account) = app.new_account("Acme").await;
    let mut ids = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        let created = admin
            .json(
                "identities/create-domain",
                &[
                    ("region", region),
                    ("domain", "acme.example"),
                    ("dkim_algorithm", "ed25519-sha256"),
                ],
            )
            .await;
        ids.push(created["identity_id"].as_str().unwrap().to_owned());
    }
    admin
        .json(
            "policies/put",
            &[
                ("identity_id", &ids[0]),
                ("name", "grant"),
                ("document", &policy(&account, "Only")),
                ("replace", "false"),
            ],
        )
        .await;
    let history = |id: &str| {
        let (admin, id) = (&admin, id.to_owned());
        async move {
            let entries = admin
                .json("activity/identity", &[("identity_id", &id)])
                .await;
            entries
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let field = |name: &str| e[name].as_str().unwrap().to_owned();
                    (field("kind"), field("subject"))
                })
                .collect::<Vec<_>>()
        }
    };
    let said = |kind: &str, subject: &str| (kind.to_owned(), subject.to_owned());
    assert_eq!(
        history(&ids[0]).await,
        [
            said("policy.created", "grant"),
            said("identity.created", "us-east-1")
        ]
    );
    assert_eq!(
        history(&ids[1]).await,
        [said("identity.created", "eu-west-1")]
    );
    let named = activity(&admin, "identity", "", "acme.example").await;
    assert_eq!(named.len(), 2);
}

/// Asking for what is so already changes nothing and writes nothing: a key deactivated,
/// a user disabled, an account disabled by an operator, the two-factor requirement lifted,
/// twice over.
#[sqlx::test(migrations = "../migrations")]
async fn a_change_to_how_things_stand_already_writes_no_entry(pool: PgPool) {
    let app = TestApp::spawn(pool.clone()).await;
    let (admin, account) = app.new_account("Acme").await;
    app.add_user(&admin, "bob", "bob@acme.example.com", "sender")
        .await;
    let bob = crate::helpers::user_id(&admin, "bob").await;
    let key = admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    let key = key["access_key_id"].as_str().unwrap();
    let operator = app.operator().await;
    let count = |kind: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from audit_entry where kind = $1")
                .bind(kind)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    for _ in 0..2 {
        admin
            .json(
                "access-keys/set-active",
                &[("access_key_id", key), ("active", "false")],
            )
            .await;
        admin
            .json(
                "users/set-disabled",
                &[("user_id", &bob), ("disabled", "true")],
            )
            .await;
        admin
            .json(
                "security/require-two-factor",
                &[("of", "AccountUsers"), ("required", "false")],
            )
            .await;
    }
    // Last: disabling the account signs its admin out.
    for _ in 0..2 {
        operator
            .json(
                "operator/set-account-disabled",
                &[("account_id", &account), ("disabled", "true")],
            )
            .await;
    }
    assert_eq!(count("access_key.deactivated").await, 1);
    assert_eq!(count("user.disabled").await, 1);
    assert_eq!(count("account.disabled").await, 1);
    assert_eq!(count("account.two_factor_requirement").await, 0);
}
