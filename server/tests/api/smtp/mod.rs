//! The SMTP interface through its sockets: the protocol and its defences (`protocol`), and
//! delegated sending through the shared send path (`sending`), with a literal client.

mod client;
mod protocol;
mod sending;

use sesame::config::Settings;
use sqlx::PgPool;

use crate::{
    helpers::{ses_key, TestApp},
    sending::{put_policy, raise_send_rate, verified_domain},
};

pub use client::Client;

/// An owner with a verified domain shared with a delegate, and the delegate's SMTP
/// credentials.
pub struct Delegation {
    pub app: TestApp,
    pub owner: String,
    pub delegate: String,
    pub identity_id: String,
    pub identity_arn: String,
    pub user: String,
    pub password: String,
    pub owner_browser: crate::helpers::Browser,
    pub delegate_browser: crate::helpers::Browser,
}

pub fn policy(delegate: &str, arn: &str, condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{delegate}"}},"Action":"ses:SendRawEmail","Resource":"{arn}"{condition}}}]}}"#
    )
}

/// The delegation, with a policy on the owner's identity when `grant` holds one's
/// condition (`Some("")`: unconditional).
pub async fn delegation(
    pool: PgPool,
    grant: Option<&str>,
    configure: impl FnOnce(&mut Settings),
) -> Delegation {
    let app = TestApp::spawn_with_dns(pool, configure).await;
    let (owner_browser, owner) = app.new_account("Owner").await;
    let identity_id = verified_domain(&owner_browser, "owner.example").await;
    let identity_arn = format!("arn:aws:ses:us-east-1:{owner}:identity/owner.example");
    let (delegate_browser, delegate) = app.new_account("Delegate").await;
    if let Some(condition) = grant {
        let document = policy(&delegate, &identity_arn, condition);
        put_policy(&owner_browser, &identity_id, "delegate", &document).await;
    }
    raise_send_rate(&app.pool, &delegate).await;
    let (user, secret) = ses_key(&delegate_browser).await;
    let password = app::access_keys::credentials::smtp_password(&secret, "us-east-1");
    Delegation {
        app,
        owner,
        delegate,
        identity_id,
        identity_arn,
        user,
        password,
        owner_browser,
        delegate_browser,
    }
}

impl Delegation {
    /// An authenticated session over STARTTLS.
    pub async fn session(&self) -> Client {
        let mut client = Client::starttls(self.app.smtp.starttls[0], self.app.data_dir()).await;
        let reply = client.auth_plain(&self.user, &self.password).await;
        assert_eq!(reply, (235, "Authentication successful".to_owned()));
        client
    }

    /// A message from the owner's domain, authorized by X-SES headers.
    pub fn message(&self, to: &str, subject: &str) -> String {
        format!(
            "X-SES-SOURCE-ARN: {arn}\r\nX-SES-FROM-ARN: {arn}\r\nFrom: News <news@owner.example>\r\nTo: {to}\r\nSubject: {subject}\r\n\r\nHello over SMTP.\r\n.A line that starts with a dot.\r\n",
            arn = self.identity_arn
        )
    }

    /// `message`, sent with the delegate's configuration set `set` and two message tags.
    pub fn message_in_set(&self, to: &str, subject: &str, set: &str) -> String {
        format!(
            "X-SES-CONFIGURATION-SET: {set}\r\nX-SES-MESSAGE-TAGS: campaign=weekly, segment=b\r\n{}",
            self.message(to, subject)
        )
    }
}

/// How many messages the database holds.
pub async fn stored_messages(pool: &PgPool) -> i64 {
    sqlx::query_scalar("select count(*) from message")
        .fetch_one(pool)
        .await
        .unwrap()
}
