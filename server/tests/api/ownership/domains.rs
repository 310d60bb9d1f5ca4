//! A domain is proved only by its real DNS: the development zone is off unless turned on,
//! and then vouches only for reserved test names (and zones the operator lists); public
//! suffixes are never identities.

use hickory_proto::op::ResponseCode;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    dev_zone::over_udp,
    helpers::{ses_key, Browser, TestApp},
    sending::{element, send},
};

async fn add_domain(admin: &Browser, domain: &str) -> String {
    admin
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", domain),
                ("dkim_algorithm", "ed25519-sha256"),
            ],
        )
        .await["identity_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn the_development_zone_is_off_unless_the_operator_turns_it_on() {
    assert!(!sesame::config::DnsSettings::default().dev_zone);
}

#[sqlx::test(migrations = "../migrations")]
async fn without_the_zone_nothing_can_be_published_to_it(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "acme.example").await;
    let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
    assert_eq!(detail["dev_zone_available"], false);
    let error = admin
        .error(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(error.to_string().contains("not enabled"), "{error}");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_zone_never_vouches_for_a_real_domain(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let zone = app.dev_zone.unwrap();
    let (attacker, _) = app.new_account("Attacker").await;
    let id = add_domain(&attacker, "gmail.com").await;
    let detail = attacker
        .json("identities/get", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["dev_zone_available"], false, "{detail}");
    let error = attacker
        .error(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
            StatusCode::CONFLICT,
        )
        .await;
    assert!(error.to_string().contains(".example"), "{error}");

    // Even with its records forced into the zone's table and the identity marked as
    // published (as the old code allowed), the zone refuses to answer for the name and
    // verification asks the real DNS.
    let token: String =
        sqlx::query_scalar("select verification_token from identity where identity_id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    sqlx::query(
        "insert into dev_zone_record (name, record_type, value, identity_id)
         values ('_amazonses.gmail.com', 'TXT', $1, $2::uuid)",
    )
    .bind(&token)
    .bind(&id)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("update identity set dev_zone = true where identity_id = $1::uuid")
        .bind(&id)
        .execute(&app.pool)
        .await
        .unwrap();
    let answer = over_udp(zone, "_amazonses.gmail.com.", true).await;
    assert_eq!(answer.response_code(), ResponseCode::Refused);
    assert!(answer.answers().is_empty());
    let checked = attacker
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(checked["summary"]["status"], "Pending", "{checked}");

    // A test name still verifies through the zone.
    let test_name = add_domain(&attacker, "attacker.example").await;
    attacker
        .json(
            "identities/dev-zone",
            &[("identity_id", &test_name), ("publish", "true")],
        )
        .await;
    let checked = attacker
        .json("identities/check-now", &[("identity_id", &test_name)])
        .await;
    assert_eq!(checked["summary"]["status"], "Success", "{checked}");
}

#[sqlx::test(migrations = "../migrations")]
async fn zones_the_operator_lists_are_vouched_for_too(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| {
        s.dns.dev_zone_names = vec!["corp.internal".into()];
    })
    .await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_domain(&admin, "mail.corp.internal").await;
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    let checked = admin
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(checked["summary"]["status"], "Success", "{checked}");
}

#[sqlx::test(migrations = "../migrations")]
async fn public_suffixes_are_refused_as_identities(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let (admin, _) = app.new_account("Acme").await;
    for suffix in ["co.uk", "github.io", "com.au"] {
        let error = admin
            .error(
                "identities/create-domain",
                &[
                    ("region", "us-east-1"),
                    ("domain", suffix),
                    ("dkim_algorithm", "ed25519-sha256"),
                ],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        assert_eq!(error["field"], "domain", "{error}");
        assert!(error.to_string().contains("public suffix"), "{error}");
    }
    // Through the API, with SES's error code.
    let key = ses_key(&admin).await;
    let (status, xml) = send(
        &app,
        &key,
        &[("Action", "VerifyDomainIdentity"), ("Domain", "CO.UK")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("InvalidParameterValue"));
    assert!(
        element(&xml, "Message")
            .unwrap()
            .starts_with("Invalid domain name co.uk."),
        "{xml}"
    );
    // A registrable domain under a suffix is fine.
    add_domain(&admin, "acme.co.uk").await;
    let identities: i64 = sqlx::query_scalar("select count(*) from identity")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(identities, 1);
}
