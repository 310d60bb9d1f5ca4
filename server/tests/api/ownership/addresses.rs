//! An address is proved only by a link mailed to it: the verification mail goes out
//! through the delivery route, and the Mailbox shows an account only its own mail.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::{
    delivery::{receiver::Receiver, relay_to},
    helpers::ses_key,
    helpers::{Browser, TestApp, PASSWORD},
    sending::{leave_sandbox, raise_send_rate, send, send_email, verified_domain},
};

async fn add_address(admin: &Browser, email: &str) -> String {
    admin
        .json(
            "identities/create-email",
            &[("region", "us-east-1"), ("email", email)],
        )
        .await["identity_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn link_in(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.contains("/verify-email/"))
        .unwrap_or_else(|| panic!("no link in {text}"))
        .to_owned()
}

async fn status(admin: &Browser, id: &str) -> String {
    admin.json("identities/get", &[("identity_id", id)]).await["summary"]["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn in_relay_mode_the_link_reaches_the_address_and_nobodys_mailbox(pool: PgPool) {
    let receiver = Receiver::accepting().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (attacker, _) = app.new_account("Attacker").await;
    let id = add_address(&attacker, "ceo@victim.example").await;

    // The message went to the address's own mail server, from the system sender.
    let arrived = receiver.wait_for("ceo@victim.example").await;
    assert_eq!(arrived.mail_from, "no-reply@sesame.localhost");
    assert!(
        arrived.data.contains("Auto-Submitted: auto-generated"),
        "{}",
        arrived.data
    );
    let link = link_in(&arrived.data);

    // The account that asked cannot read it anywhere: not in its Mailbox, not on the page.
    let mailbox = attacker.json("mailbox/list", &[]).await;
    assert_eq!(mailbox.as_array().unwrap().len(), 0, "{mailbox}");
    let detail = attacker
        .json("identities/get", &[("identity_id", &id)])
        .await;
    assert!(!detail.to_string().contains("/verify-email/"), "{detail}");
    assert_eq!(detail["summary"]["status"], "Pending");
    // The page says where the mail went.
    let mail = &detail["verification_mail"];
    assert_eq!(mail["status"], "Delivered", "{detail}");
    assert_eq!(mail["to"], "ceo@victim.example");
    assert!(
        mail["last_reply"].as_str().unwrap().starts_with("250"),
        "{mail}"
    );

    // Whoever reads the address's mail holds the proof.
    let (page, confirmed) = app.confirm_link(&link).await;
    assert!(page.contains("Confirm ceo@victim.example"), "{page}");
    assert_eq!(confirmed["status"], "Success", "{confirmed}");
    assert_eq!(status(&attacker, &id).await, "Success");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_refused_verification_mail_fails_and_says_why(pool: PgPool) {
    let receiver = Receiver::refusing_gone().await;
    let app = TestApp::spawn_with_dns(pool, relay_to(&receiver)).await;
    let (admin, _) = app.new_account("Acme").await;
    let id = add_address(&admin, "gone@elsewhere.example").await;
    for _ in 0..100 {
        let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
        let mail = &detail["verification_mail"];
        if mail["status"] == "Failed" {
            assert!(
                mail["last_reply"].as_str().unwrap().starts_with("550"),
                "{mail}"
            );
            assert_eq!(mail["attempts"], 1, "a 5xx is not retried");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the refused verification mail never failed");
}

#[sqlx::test(migrations = "../migrations")]
async fn naming_an_address_shows_none_of_the_mail_another_account_sent_it(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    // A sends its salary list to alice (sink mode: the copy is in A's Mailbox).
    let (a, a_account) = app.new_account("Payroll").await;
    verified_domain(&a, "payroll.example").await;
    leave_sandbox(&app.pool, &a_account).await;
    raise_send_rate(&app.pool, &a_account).await;
    let key = ses_key(&a).await;
    let (status, xml) = send(
        &app,
        &key,
        &send_email("hr@payroll.example", "alice@staff.example"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{xml}");
    let copy = a
        .mailbox_when(|m| m.iter().any(|e| e["recipient"] == "alice@staff.example"))
        .await;
    let copy_id = copy[0]["mailbox_message_id"].as_str().unwrap().to_owned();

    // B merely adds alice as an identity: it sees its own verification mail, nothing of A's.
    let (b, _) = app.new_account("Snoop").await;
    add_address(&b, "alice@staff.example").await;
    let seen = b.mailbox_when(|m| !m.is_empty()).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0]["subject"]
            .as_str()
            .unwrap()
            .contains("verification request"),
        "{seen:?}"
    );
    b.error(
        "mailbox/get",
        &[("mailbox_message_id", &copy_id)],
        StatusCode::NOT_FOUND,
    )
    .await;
    // Nor does A see B's verification link for the same address.
    let theirs = seen[0]["mailbox_message_id"].as_str().unwrap();
    a.error(
        "mailbox/get",
        &[("mailbox_message_id", theirs)],
        StatusCode::NOT_FOUND,
    )
    .await;
    let a_list = a.json("mailbox/list", &[]).await;
    assert_eq!(a_list.as_array().unwrap().len(), 1, "{a_list}");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_admins_see_sesames_mail_in_sink_mode(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (admin, _) = app.new_account("Acme").await;
    for (name, role) in [("vera", "viewer"), ("sam", "sender")] {
        let email = format!("{name}@acme.example.com");
        app.add_user(&admin, name, &email, role).await;
    }
    add_address(&admin, "billing@acme.example").await;
    let link_mail = admin.mailbox_when(|m| !m.is_empty()).await;
    let link_mail_id = link_mail[0]["mailbox_message_id"].as_str().unwrap();
    for name in ["vera", "sam"] {
        let user = app.browser();
        let signed_in = user
            .sign_in(&format!("{name}@acme.example.com"), PASSWORD)
            .await;
        assert!(signed_in.status().is_success());
        let list = user.json("mailbox/list", &[]).await;
        assert_eq!(list.as_array().unwrap().len(), 0, "{name} saw {list}");
        user.error(
            "mailbox/get",
            &[("mailbox_message_id", link_mail_id)],
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}
