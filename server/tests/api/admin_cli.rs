//! `sesame admin …` run as a real process against the test's database.

use std::process::Output;

use sqlx::PgPool;

use crate::helpers::{TestApp, PASSWORD};

/// Runs `sesame admin <args>` against `pool`'s database, with `password` on stdin.
fn admin(pool: &PgPool, data: &std::path::Path, args: &[&str], password: Option<&str>) -> Output {
    use std::io::Write;
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let (server, _) = base
        .rsplit_once('/')
        .expect("a database URL ends with /<database>");
    let url = format!(
        "{server}/{}",
        pool.connect_options().get_database().unwrap()
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sesame"))
        .arg("admin")
        .args(args)
        .args(["--data-dir", data.to_str().unwrap()])
        .env("DATABASE_URL", url)
        .env_remove("SESAME_PASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if let Some(password) = password {
        writeln!(stdin, "{password}").unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn an_operator_sets_up_an_account_from_the_command_line(pool: PgPool) {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let account = stdout(&admin(
        &pool,
        dir,
        &[
            "create-account",
            "--name",
            "Acme",
            "--email",
            "boss@acme.example.com",
        ],
        Some(PASSWORD),
    ));
    let account = account.trim();
    assert!(
        account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()),
        "{account}"
    );

    let arn = stdout(&admin(
        &pool,
        dir,
        &[
            "create-user",
            "--account",
            account,
            "--name",
            "bob",
            "--email",
            "bob@acme.example.com",
            "--role",
            "sender",
        ],
        Some(PASSWORD),
    ));
    assert_eq!(arn.trim(), format!("arn:aws:iam::{account}:user/bob"));

    let key = stdout(&admin(
        &pool,
        dir,
        &[
            "create-access-key",
            "--account",
            account,
            "--email",
            "bob@acme.example.com",
        ],
        None,
    ));
    let value = |name: &str| {
        key.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    assert!(value("ACCESS_KEY_ID").starts_with("AKIA"));
    assert_eq!(
        value("SMTP_PASSWORD"),
        app::access_keys::credentials::smtp_password(&value("SECRET_ACCESS_KEY"), "us-east-1")
    );

    stdout(&admin(
        &pool,
        dir,
        &["set-production-access", "--account", account],
        None,
    ));
    stdout(&admin(
        &pool,
        dir,
        &[
            "set-quota",
            "--account",
            account,
            "--max-24-hour-send",
            "50000",
            "--max-send-rate",
            "14",
        ],
        None,
    ));
    let (sandbox, daily, rate): (bool, f64, f64) = sqlx::query_as(
        "select sandbox, max_24_hour_send, max_send_rate from account_region where account_id = $1",
    )
    .bind(account)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((sandbox, daily, rate), (false, 50000.0, 14.0));

    stdout(&admin(
        &pool,
        dir,
        &["create-operator", "--email", "ops@platform.example.com"],
        Some(PASSWORD),
    ));

    // The people created on the command line can sign in over HTTP.
    let app = TestApp::spawn(pool.clone()).await;
    assert_eq!(
        app.browser()
            .sign_in("bob@acme.example.com", PASSWORD)
            .await
            .status(),
        200
    );
    let operator = app.browser();
    let response = operator
        .call(
            "auth/operator-sign-in",
            &[
                ("email", "ops@platform.example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);

    for args in [
        ["disable-account", "--account", account].as_slice(),
        &["disable-account", "--account", account, "--enable"],
    ] {
        stdout(&admin(&pool, dir, args, None));
    }
    // Each change the command made is in the account's log, by Sesame through the command;
    // creating the operator is in the platform's.
    let entries: Vec<(Option<String>, String, String, String)> = sqlx::query_as(
        "select account_id, kind, subject, actor from audit_entry
         where source = 'admin command' order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let of = |kind: &str| {
        entries
            .iter()
            .filter(|(_, k, ..)| k == kind)
            .map(|(account, _, subject, actor)| (account.clone(), subject.clone(), actor.clone()))
            .collect::<Vec<_>>()
    };
    let by = |subject: &str| {
        vec![(
            Some(account.to_owned()),
            subject.to_owned(),
            "Sesame".to_owned(),
        )]
    };
    assert_eq!(of("user.created"), by("bob (sender)"));
    assert_eq!(of("account.production_access_granted"), by("us-east-1"));
    assert_eq!(
        of("account.quota_changed"),
        by("us-east-1: 50000 recipients per 24 hours, 14 per second")
    );
    assert_eq!(of("account.disabled"), by(""));
    assert_eq!(of("account.enabled"), by(""));
    assert_eq!(of("access_key.created").len(), 1);
    assert_eq!(
        of("operator.created"),
        [(
            None,
            "ops@platform.example.com".to_owned(),
            "Sesame".to_owned()
        )]
    );
}

/// An operator who lost their authenticator (and recovery codes) is let back in by
/// whoever runs the server: the command turns their two-factor sign-in off.
#[sqlx::test(migrations = "../migrations")]
async fn the_cli_resets_a_lost_operator_authenticator(pool: PgPool) {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let app = TestApp::spawn(pool.clone()).await;
    let operator = app.operator().await;
    crate::two_factor::turn_on(&operator).await;
    let reset = [
        "reset-operator-two-factor",
        "--email",
        "ops@platform.example.com",
    ];
    stdout(&admin(&pool, dir, &reset, None));

    let again = app.browser();
    let response = again
        .call(
            "auth/operator-sign-in",
            &[
                ("email", "ops@platform.example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/operator");
    again.json("operator/accounts", &[]).await;

    // Nothing to reset now; nobody of that address at all.
    assert_eq!(admin(&pool, dir, &reset, None).status.code(), Some(4));
    let nobody = [
        "reset-operator-two-factor",
        "--email",
        "nobody@platform.example.com",
    ];
    assert_eq!(admin(&pool, dir, &nobody, None).status.code(), Some(3));
    let kinds: Vec<String> = sqlx::query_scalar(
        "select kind from audit_entry where account_id is null and source = 'admin command'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(kinds, ["operator.two_factor_reset"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn failures_have_exit_codes_scripts_can_rely_on(pool: PgPool) {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let account = stdout(&admin(
        &pool,
        dir,
        &[
            "create-account",
            "--name",
            "Acme",
            "--email",
            "boss@acme.example.com",
        ],
        Some(PASSWORD),
    ));
    let account = account.trim();

    let code = |output: Output| output.status.code().unwrap();
    // Not found: 3.
    assert_eq!(
        code(admin(
            &pool,
            dir,
            &[
                "create-user",
                "--account",
                "000000000000",
                "--name",
                "x",
                "--email",
                "x@acme.example.com"
            ],
            Some(PASSWORD)
        )),
        3
    );
    assert_eq!(
        code(admin(
            &pool,
            dir,
            &[
                "create-access-key",
                "--account",
                account,
                "--email",
                "ghost@acme.example.com"
            ],
            None
        )),
        3
    );
    // Refused (taken, invalid, weak password): 4.
    assert_eq!(
        code(admin(
            &pool,
            dir,
            &[
                "create-account",
                "--name",
                "Again",
                "--email",
                "boss@acme.example.com"
            ],
            Some(PASSWORD)
        )),
        4
    );
    assert_eq!(
        code(admin(
            &pool,
            dir,
            &[
                "create-account",
                "--name",
                "Weak",
                "--email",
                "weak@acme.example.com"
            ],
            Some("password")
        )),
        4
    );
    assert_eq!(
        code(admin(
            &pool,
            dir,
            &[
                "set-quota",
                "--account",
                account,
                "--max-24-hour-send",
                "10",
                "--max-send-rate",
                "0"
            ],
            None
        )),
        4
    );
    // Usage errors: 2.
    assert_eq!(
        code(admin(
            &pool,
            dir,
            &[
                "create-user",
                "--account",
                account,
                "--name",
                "x",
                "--email",
                "x@a.example.com",
                "--role",
                "root"
            ],
            Some(PASSWORD)
        )),
        2
    );
    let accounts: i64 = sqlx::query_scalar("select count(*) from account")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_cli_publishes_a_domain_to_the_dev_zone(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool.clone(), |s| s.verification.poll_secs = 3600).await;
    let (owner, account) = app.new_account("Acme").await;
    let form = [
        ("region", "us-east-1"),
        ("domain", "example.com"),
        ("dkim_algorithm", "rsa-sha256"),
    ];
    let id = owner.json("identities/create-domain", &form).await["identity_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let data = tempfile::tempdir().unwrap();
    let publish = [
        "publish-dev-zone",
        "--account",
        &account,
        "--identity",
        "Example.COM",
    ];
    stdout(&admin(&pool, data.path(), &publish, None));
    let detail = owner
        .json("identities/check-now", &[("identity_id", &id)])
        .await;
    assert_eq!(detail["summary"]["status"], "Success");

    let missing = [
        "publish-dev-zone",
        "--account",
        &account,
        "--identity",
        "other.example",
    ];
    assert_eq!(
        admin(&pool, data.path(), &missing, None).status.code(),
        Some(3)
    );
}
