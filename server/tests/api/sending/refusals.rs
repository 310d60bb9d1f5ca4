//! SES answers "Email address is not verified" whether the sender is in the sandbox, its
//! identity's owner is, or the identity was never named: the API and SMTP keep that text,
//! and the console says, after it, which rule applied.

use reqwest::StatusCode;
use sqlx::PgPool;

use super::{
    element, leave_sandbox, put_policy, raise_send_rate, send, send_email, verified_domain,
};
use crate::helpers::{ses_key, Browser, TestApp};

const SES_TEXT: &str =
    "Email address is not verified. The following identities failed the check in region US-EAST-1:";

/// The console's answer to Send test email from `from` to `to` (with `source_arn`).
async fn console_refusal(browser: &Browser, from: &str, to: &str, source_arn: &str) -> String {
    let error = browser
        .error(
            "sending/send-test",
            &[
                ("region", "us-east-1"),
                ("from", from),
                ("to", to),
                ("subject", "Hello"),
                ("text", "Hello"),
                ("source_arn", source_arn),
            ],
            StatusCode::CONFLICT,
        )
        .await;
    error["message"].as_str().unwrap().to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_console_says_which_rule_refused_a_send(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    let identity = verified_domain(&owner, "owner.example").await;
    raise_send_rate(&app.pool, &delegate_account).await;
    let arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/owner.example");
    put_policy(
        &owner,
        &identity,
        "delegate",
        &format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "{delegate_account}"}}, "Action": "ses:SendEmail", "Resource": "{arn}"}}]}}"#
        ),
    )
    .await;
    let from = "news@owner.example";
    let customer = "ann@customer.example";

    // The shared identity, its ARN forgotten.
    let said = console_refusal(&delegate, from, customer, "").await;
    assert!(said.starts_with(&format!("{SES_TEXT} {from}")), "{said}");
    assert!(said.contains("None of your verified identities in us-east-1 covers news@owner.example. If another account shared the identity with you, choose it"), "{said}");

    // The delegate in the sandbox, mailing an unverified recipient.
    let said = console_refusal(&delegate, from, customer, &arn).await;
    assert!(
        said.starts_with(&format!("{SES_TEXT} {customer}")),
        "{said}"
    );
    assert!(
        said.contains("Your account is in the sandbox in us-east-1"),
        "{said}"
    );

    // Out of the sandbox itself, but its owner is not: the rule nobody sees, said.
    leave_sandbox(&app.pool, &delegate_account).await;
    let said = console_refusal(&delegate, from, customer, &arn).await;
    assert!(
        said.starts_with(&format!("{SES_TEXT} {customer}")),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "the identity's owner (account {owner_account}) is still in the sandbox in us-east-1"
        )),
        "{said}"
    );

    // The API keeps SES's words exactly, with nothing after them.
    let key = ses_key(&delegate).await;
    let mut form = send_email(from, customer);
    form.push(("SourceArn", arn.as_str()));
    let (status, xml) = send(&app, &key, &form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{xml}");
    assert_eq!(
        element(&xml, "Message"),
        Some(format!("{SES_TEXT} {customer}").as_str()),
        "{xml}"
    );

    // Once both are out, it goes.
    leave_sandbox(&app.pool, &owner_account).await;
    let (status, xml) = send(&app, &key, &form).await;
    assert_eq!(status, StatusCode::OK, "{xml}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_pending_shared_identity_and_a_denied_one_are_explained_without_revealing_policies(
    pool: PgPool,
) {
    let app = TestApp::spawn_with_dns(pool, |_| {}).await;
    let (owner, owner_account) = app.new_account("Owner").await;
    let (delegate, delegate_account) = app.new_account("Delegate").await;
    // Added, never verified; the delegate is allowed to send as it.
    let pending = owner
        .json(
            "identities/create-domain",
            &[
                ("region", "us-east-1"),
                ("domain", "pending.example"),
                ("dkim_algorithm", "rsa-sha256"),
            ],
        )
        .await;
    let pending_id = pending["identity_id"].as_str().unwrap();
    let pending_arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/pending.example");
    put_policy(
        &owner,
        pending_id,
        "delegate",
        &format!(
            r#"{{"Statement": [{{"Sid": "SecretName", "Effect": "Allow", "Principal": {{"AWS": "{delegate_account}"}}, "Action": "ses:SendEmail", "Resource": "{pending_arn}"}}]}}"#
        ),
    )
    .await;
    // What the console says when `who` sends as the pending identity, to the simulator.
    let refused_as = async |who: &Browser| {
        console_refusal(who, "a@pending.example", super::SIMULATOR, &pending_arn).await
    };
    let said = refused_as(&delegate).await;
    assert!(
        said.contains(&format!("The identity {pending_arn} is not verified yet")),
        "{said}"
    );

    // Not allowed: the console explains without naming the owner's statements, and says
    // the same whether or not the identity exists.
    let (stranger, _) = app.new_account("Stranger").await;
    let denied = refused_as(&stranger).await;
    assert!(
        denied.contains("No sending authorization policy of"),
        "{denied}"
    );
    assert!(!denied.contains("SecretName"), "{denied}");
    // Named by a conditional Allow and sending outside it: still SES's words and the
    // generic sentence, not the statement or the condition it missed (those are the
    // owner's, shown in its simulator).
    owner
        .json(
            "policies/delete",
            &[("identity_id", pending_id), ("name", "delegate")],
        )
        .await;
    put_policy(
        &owner,
        pending_id,
        "conditional",
        &format!(
            r#"{{"Statement": [{{"Sid": "SecretName", "Effect": "Allow", "Principal": {{"AWS": "{delegate_account}"}}, "Action": "ses:SendEmail", "Resource": "{pending_arn}", "Condition": {{"StringEquals": {{"ses:FromAddress": "secret-list@pending.example"}}}}}}]}}"#
        ),
    )
    .await;
    let near = refused_as(&delegate).await;
    assert!(
        near.contains("No sending authorization policy of"),
        "{near}"
    );
    assert!(
        !near.contains("SecretName") && !near.contains("secret-list"),
        "{near}"
    );

    let missing_arn = format!("arn:aws:ses:us-east-1:{owner_account}:identity/missing.example");
    let missing = console_refusal(
        &stranger,
        "a@missing.example",
        super::SIMULATOR,
        &missing_arn,
    )
    .await;
    assert_eq!(
        missing,
        denied.replace("pending.example", "missing.example")
    );
}
