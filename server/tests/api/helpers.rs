//! The test harness: a real Sesame (router, sessions, CSRF guard) on 127.0.0.1:0 around the
//! test's database, and HTTP clients that behave like a browser's fetch (cookies, Origin).

use std::{net::SocketAddr, sync::Arc};

use reqwest::{
    cookie::{CookieStore, Jar},
    header, Client, Response, StatusCode,
};
use serde_json::Value;
use sesame::{
    config::{Overrides, Settings},
    database::Database,
    smtp::SmtpAddrs,
    startup::Application,
};
use sesame_signer::signed_form_post;
use sqlx::PgPool;
use time::OffsetDateTime;

pub const PASSWORD: &str = "plum-ladder-sunrise-42";

pub struct TestApp {
    pub base: String,
    pub pool: PgPool,
    /// The development DNS zone's address, when spawned with `spawn_with_dns`.
    pub dev_zone: Option<SocketAddr>,
    /// The SMTP submission listeners (STARTTLS and TLS, each on a free port).
    pub smtp: SmtpAddrs,
    /// The regions it serves, as configured.
    regions: Vec<String>,
    data: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, |_| {}).await
    }

    /// Spawns with the development DNS zone on a free loopback port as the only nameserver
    /// (tests may send DNS nowhere else), and a verification worker polling every second.
    pub async fn spawn_with_dns(pool: PgPool, configure: impl FnOnce(&mut Settings)) -> Self {
        let zone = SocketAddr::from(([127, 0, 0, 1], free_dns_port()));
        let app = Self::spawn_with(pool, |s| {
            s.dns.dev_zone = true;
            s.dns.dev_zone_addr = zone;
            s.dns.nameservers = vec![zone];
            s.verification.poll_secs = 1;
            s.verification.retry_secs = 1;
            configure(s);
        })
        .await;
        Self {
            dev_zone: Some(zone),
            ..app
        }
    }

    /// Spawns with settings adjusted by `configure` (e.g. short session lifetimes). The
    /// development DNS zone is off unless `configure` turns it on (see `spawn_with_dns`).
    pub async fn spawn_with(pool: PgPool, configure: impl FnOnce(&mut Settings)) -> Self {
        // TEST_LOG=1 shows the server's logs (with RUST_LOG as the filter).
        static LOGS: std::sync::Once = std::sync::Once::new();
        if std::env::var_os("TEST_LOG").is_some() {
            LOGS.call_once(sesame::telemetry::init);
        }
        let data = tempfile::tempdir().unwrap();
        let overrides = Overrides {
            http_addr: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            data_dir: Some(data.path().to_owned()),
            ..Overrides::default()
        };
        let mut settings = Settings::load(&overrides).unwrap();
        settings.dns.dev_zone = false;
        // No test may ask a real nameserver; the dead port makes any attempt fail fast.
        settings.dns.nameservers = vec![SocketAddr::from(([127, 0, 0, 1], 9))];
        settings.smtp.starttls_addrs = vec![SocketAddr::from(([127, 0, 0, 1], 0))];
        settings.smtp.tls_addrs = vec![SocketAddr::from(([127, 0, 0, 1], 0))];
        settings.feedback.listen_addrs = vec![SocketAddr::from(([127, 0, 0, 1], 0))];
        configure(&mut settings);
        let regions = settings.regions.clone();
        let app = Application::with_database(settings, Database::from_pool(pool.clone()))
            .await
            .unwrap();
        let base = format!("http://{}", app.local_addr());
        let smtp = app.smtp_addrs().clone();
        tokio::spawn(app.run_until_stopped());
        Self {
            base,
            pool,
            dev_zone: None,
            smtp,
            regions,
            data,
        }
    }

    /// A second Sesame on the same database with the same master key, as a deployment's
    /// second node behind a load balancer: it shares nothing with this one in memory.
    /// `configure` adjusts its settings as `spawn_with` does.
    pub async fn spawn_beside(&self, configure: impl FnOnce(&mut Settings)) -> Self {
        let key = std::fs::read_to_string(self.data.path().join("master.key")).unwrap();
        Self::spawn_with(self.pool.clone(), |s| {
            s.master_key = Some(key.into());
            configure(s);
        })
        .await
    }

    /// The data directory (where a generated SMTP certificate is).
    pub fn data_dir(&self) -> &std::path::Path {
        self.data.path()
    }

    /// A client with its own cookie jar that sends our Origin, as our own pages do.
    pub fn browser(&self) -> Browser {
        self.browser_as("")
    }

    /// A browser that names itself `user_agent` (none when empty).
    pub fn browser_as(&self, user_agent: &str) -> Browser {
        let mut headers = header::HeaderMap::new();
        headers.insert(header::ORIGIN, self.base.parse().unwrap());
        if !user_agent.is_empty() {
            headers.insert(header::USER_AGENT, user_agent.parse().unwrap());
        }
        let jar = Arc::new(Jar::default());
        let client = Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(headers)
            .build()
            .unwrap();
        Browser {
            client,
            jar,
            base: self.base.clone(),
        }
    }

    /// A new account with its admin `admin@<name>.example.com`, signed in (through the
    /// sign-in page) in the returned browser; and the account id. Made as an operator makes
    /// one (`sesame admin create-account`): signing up by mail has tests of its own
    /// (`abuse::oracles`, `sign_in`), and its mail would reach the receivers of tests that
    /// count what arrives.
    pub async fn new_account(&self, name: &str) -> (Browser, String) {
        let email = format!("admin@{}.example.com", name.to_lowercase());
        let hash = app::auth::password::PasswordHasher::new(1)
            .hash(PASSWORD.to_owned().into())
            .await
            .unwrap();
        let mut tx = self.pool.begin().await.unwrap();
        app::accounts::create_account(
            &mut tx,
            &app::accounts::AccountName::parse(name).unwrap(),
            &app::email::EmailAddress::parse(&email).unwrap(),
            &hash,
            &self.regions,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let browser = self.browser();
        browser
            .expect_ok(browser.sign_in(&email, PASSWORD).await)
            .await;
        let overview = browser.json("account/overview", &[]).await;
        (browser, overview["account_id"].as_str().unwrap().to_owned())
    }

    /// Signs up as a person does: the form, then the link mailed to the address, opened,
    /// and the password chosen there. Returns the admin's signed-in browser and the account id.
    pub async fn sign_up_by_mail(&self, name: &str, email: &str) -> (Browser, String) {
        let browser = self.browser();
        let form = [("account_name", name), ("email", email)];
        browser
            .expect_ok(browser.call("auth/sign-up", &form).await)
            .await;
        let token = self.mailed_token(email, "/sign-up/confirm/").await;
        browser
            .expect_ok(confirm_sign_up(&browser, &token, name).await)
            .await;
        let overview = browser.json("account/overview", &[]).await;
        (browser, overview["account_id"].as_str().unwrap().to_owned())
    }

    /// Invites a user to the admin's account and joins as them with `PASSWORD`, through
    /// the link mailed to `email`; returns the new user's signed-in browser.
    pub async fn add_user(&self, admin: &Browser, name: &str, email: &str, role: &str) -> Browser {
        admin
            .json(
                "users/invite",
                &[("name", name), ("email", email), ("role", role)],
            )
            .await;
        let token = self.mailed_token(email, "/invitation/").await;
        let user = self.browser();
        let form = [("token", token.as_str()), ("password", PASSWORD)];
        user.expect_ok(user.call("users/accept-invitation", &form).await)
            .await;
        user
    }

    /// The text of Sesame's latest mail to `to`, as composed (what its reader gets).
    pub async fn mail_to(&self, to: &str) -> Option<String> {
        let raw: Option<Vec<u8>> = sqlx::query_scalar(
            "select raw from system_mail where recipient = $1 order by created_at desc limit 1",
        )
        .bind(to)
        .fetch_optional(&self.pool)
        .await
        .unwrap();
        raw.map(|raw| String::from_utf8_lossy(&raw).into_owned())
    }

    /// The token of the link to `path` (`/sign-up/confirm/`) in Sesame's latest mail to `to`.
    pub async fn mailed_token(&self, to: &str, path: &str) -> String {
        let mail = self
            .mail_to(to)
            .await
            .unwrap_or_else(|| panic!("no mail to {to}"));
        let start = mail
            .find(path)
            .unwrap_or_else(|| panic!("no {path} link in {mail}"))
            + path.len();
        mail[start..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect()
    }
}

/// The user named `name` as the admin's Users page lists it.
pub async fn listed_user(admin: &Browser, name: &str) -> Value {
    let users = admin.json("users/list", &[]).await;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("no user {name} in {users}"))
        .clone()
}

/// The id of the user named `name` in the admin's account.
pub async fn user_id(admin: &Browser, name: &str) -> String {
    listed_user(admin, name).await["user_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Confirms a sign-up link's token, naming the account `name` with the password `PASSWORD`.
pub async fn confirm_sign_up(browser: &Browser, token: &str, name: &str) -> Response {
    let form = [
        ("token", token),
        ("account_name", name),
        ("password", PASSWORD),
    ];
    browser.call("auth/confirm-sign-up", &form).await
}

/// A loopback port free for both UDP and TCP, for a development zone. Taken below the
/// ephemeral range (where port 0 and outgoing connections draw from, and where the port
/// could be taken again before the zone binds it), at random so concurrent tests differ.
fn free_dns_port() -> u16 {
    use rand::Rng;
    loop {
        let port = rand::thread_rng().gen_range(20_000..32_000);
        let udp = std::net::UdpSocket::bind(("127.0.0.1", port));
        let tcp = std::net::TcpListener::bind(("127.0.0.1", port));
        if udp.is_ok() && tcp.is_ok() {
            return port;
        }
    }
}

pub struct Browser {
    pub client: Client,
    pub jar: Arc<Jar>,
    pub base: String,
}

impl Browser {
    /// POSTs a form to a server function (`/api/<endpoint>`).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(format!("{}/api/{endpoint}", self.base))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Calls a server function that must succeed and returns its JSON answer.
    pub async fn json(&self, endpoint: &str, form: &[(&str, &str)]) -> Value {
        let response = self.call(endpoint, form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
        serde_json::from_str(&body).unwrap()
    }

    /// A server function that redirects (as a plain form POST does) must have succeeded.
    pub async fn expect_ok(&self, response: Response) {
        let status = response.status();
        assert_eq!(status, StatusCode::OK, "{}", response.text().await.unwrap());
    }

    /// Calls a server function that must fail with `status`; returns the error JSON.
    pub async fn error(&self, endpoint: &str, form: &[(&str, &str)], status: StatusCode) -> Value {
        let response = self.call(endpoint, form).await;
        let actual = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(actual, status, "{endpoint}: {body}");
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    /// The Mailbox, newest first, once `ready` holds for it: Sesame's own mail arrives
    /// through the system-mail workers, within moments.
    pub async fn mailbox_when(&self, ready: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let mut list = Vec::new();
        for _ in 0..100 {
            list = self
                .json("mailbox/list", &[])
                .await
                .as_array()
                .unwrap()
                .clone();
            if ready(&list) {
                return list;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the Mailbox never got what was expected: {list:?}");
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.call("auth/sign-in", &[("email", email), ("password", password)])
            .await
    }

    /// The value of the session cookie this browser holds, if any.
    pub fn session_cookie(&self) -> Option<String> {
        let cookies = self.jar.cookies(&self.base.parse().unwrap())?;
        cookies
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|c| c.strip_prefix("sesame=").map(str::to_owned))
    }

    /// Replaces the session cookie (to replay an old one).
    pub fn set_session_cookie(&self, value: &str) {
        self.jar.add_cookie_str(
            &format!("sesame={value}; Path=/"),
            &self.base.parse().unwrap(),
        );
    }
}

impl TestApp {
    /// Follows a verification link as its reader would: opens the page (which must only
    /// offer to confirm, changing nothing), then presses Confirm — a signed-out POST.
    /// Returns the page's text and the confirmation's answer.
    pub async fn confirm_link(&self, link: &str) -> (String, Value) {
        let page = reqwest::get(link).await.unwrap().text().await.unwrap();
        let token = link.rsplit('/').next().unwrap();
        let answer = self
            .browser()
            .json("identities/confirm-email", &[("token", token)])
            .await;
        (page, answer)
    }
}

/// A new access key (id, secret) of the account `admin` belongs to.
pub async fn ses_key(admin: &Browser) -> (String, String) {
    let key = admin
        .json("access-keys/create", &[("region", "us-east-1")])
        .await;
    (
        key["access_key_id"].as_str().unwrap().to_owned(),
        key["secret_access_key"].as_str().unwrap().to_owned(),
    )
}

/// POSTs a form to the v1 API, signed as botocore signs it, at time `at`.
pub async fn ses_call(
    app: &TestApp,
    key: &(String, String),
    body: &str,
    at: OffsetDateTime,
) -> (StatusCode, String) {
    let (status, _, text) = ses_call_with(app, key, body, at, &[]).await;
    (status, text)
}

/// `ses_call` with extra request headers (signed, as botocore signs every header); also
/// returns the response headers.
pub async fn ses_call_with(
    app: &TestApp,
    key: &(String, String),
    body: &str,
    at: OffsetDateTime,
    extra: &[(&str, &str)],
) -> (StatusCode, header::HeaderMap, String) {
    ses_call_at(&app.base, key, body, at, extra).await.unwrap()
}

/// `ses_call_with` to the Sesame at `base`; Err when no answer came (the server died).
pub async fn ses_call_at(
    base: &str,
    (id, secret): &(String, String),
    body: &str,
    at: OffsetDateTime,
    extra: &[(&str, &str)],
) -> Result<(StatusCode, header::HeaderMap, String), reqwest::Error> {
    let host = base.trim_start_matches("http://");
    let headers = signed_form_post(host, (id, secret), "us-east-1", at, body, extra);
    let mut request = reqwest::Client::new()
        .post(format!("{base}/"))
        .body(body.to_owned());
    for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
        request = request.header(name, value);
    }
    let response = request.send().await?;
    let response_headers = response.headers().clone();
    Ok((response.status(), response_headers, response.text().await?))
}

/// Calls the API v2 (`method` `path`, a JSON `body`), signed now as botocore signs it.
pub async fn ses_v2(
    app: &TestApp,
    (id, secret): &(String, String),
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, String) {
    let host = app.base.trim_start_matches("http://");
    let request = (method, path, "application/json");
    let at = OffsetDateTime::now_utc();
    let headers =
        sesame_signer::signed_request(host, (id, secret), "us-east-1", at, request, body, &[]);
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut call = reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .body(body.to_owned());
    for (name, value) in headers.iter().filter(|(n, _)| n != "host") {
        call = call.header(name, value);
    }
    let response = call.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

/// A form body for the v1 API.
pub fn ses_form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Creates an operator directly in the database (as `sesame admin create-operator` does).
pub async fn create_operator(pool: &PgPool, email: &str, password: &str) {
    let hash = app::auth::password::PasswordHasher::new(1)
        .hash(password.to_owned().into())
        .await
        .unwrap();
    app::auth::db::insert_operator(pool, email, &hash)
        .await
        .unwrap();
}

impl TestApp {
    /// A browser signed in as a new operator, `ops@platform.example.com`.
    pub async fn operator(&self) -> Browser {
        create_operator(&self.pool, "ops@platform.example.com", PASSWORD).await;
        let operator = self.browser();
        let response = operator
            .call(
                "auth/operator-sign-in",
                &[
                    ("email", "ops@platform.example.com"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert!(response.status().is_success(), "operator sign-in failed");
        operator
    }
}

/// The URL of the test's own database (DATABASE_URL names the cluster).
pub fn database_url(pool: &PgPool) -> String {
    let cluster = std::env::var("DATABASE_URL").unwrap();
    let (server, _) = cluster.rsplit_once('/').unwrap();
    format!(
        "{server}/{}",
        pool.connect_options().get_database().unwrap()
    )
}
