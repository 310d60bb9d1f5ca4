//! `sesame admin …`: operator tasks from the command line, against the same database as the
//! server (attaching to the embedded cluster if a server is running it).
//!
//! For scripts: results go to stdout (one value, or `KEY=value` lines), messages to stderr.
//! Exit codes: 0 done, 1 failed, 2 bad usage, 3 not found, 4 already exists or not allowed.
//! Passwords are read from `SESAME_PASSWORD` or the first line of stdin, never from flags
//! (which other users can see in the process list).

use std::io::BufRead;

use anyhow::Context;
use app::{
    access_keys, accounts,
    accounts::AccountName,
    audit::{self, Actor, AuditKind, Change, Log},
    auth::{self, password::PasswordHasher, Role},
    email::EmailAddress,
    error::AppError,
    identities::{self, domain::DomainName},
    ids::AccountId,
    operator,
    server::errors::ConstraintExt,
    users,
};
use clap::Subcommand;
use secrecy::SecretString;

use crate::{
    config::Settings,
    database::{Database, IfRunning},
    master_key,
};

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an account and its admin user; prints the account id.
    CreateAccount {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
    },
    /// Create a user in an account; prints the user's ARN.
    CreateUser {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role, default_value = "sender")]
        role: Role,
    },
    /// Create an access key for a user; prints ACCESS_KEY_ID, SECRET_ACCESS_KEY and SMTP_PASSWORD.
    CreateAccessKey {
        #[arg(long)]
        account: String,
        /// The user's email.
        #[arg(long)]
        email: String,
        /// Region of the SMTP password (default: the first configured region).
        #[arg(long)]
        region: Option<String>,
    },
    /// Grant (or with --revoke, take back) production access: leave the sandbox.
    SetProductionAccess {
        #[arg(long)]
        account: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        revoke: bool,
    },
    /// Set an account's sending quotas in a region.
    SetQuota {
        #[arg(long)]
        account: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        max_24_hour_send: f64,
        #[arg(long)]
        max_send_rate: f64,
    },
    /// Disable (or with --enable, re-enable) an account.
    DisableAccount {
        #[arg(long)]
        account: String,
        #[arg(long)]
        enable: bool,
    },
    /// Create an operator of the platform.
    CreateOperator {
        #[arg(long)]
        email: String,
    },
    /// Turn off an operator's two-factor sign-in (a lost authenticator and recovery codes);
    /// where the platform requires it, they set up a new one at their next sign-in.
    ResetOperatorTwoFactor {
        #[arg(long)]
        email: String,
    },
    /// Publish (or with --remove, withdraw) a domain identity's records in the development
    /// DNS zone, which the verifier then asks over DNS.
    PublishDevZone {
        #[arg(long)]
        account: String,
        /// The domain.
        #[arg(long)]
        identity: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        remove: bool,
    },
    /// Print the text of the latest mail Sesame itself sent to an address (a sign-up or
    /// invitation link, a verification link): for support, and where the delivery route
    /// keeps mail on the machine (`sink`), the only way to read mail about no account.
    Mail {
        #[arg(long)]
        to: String,
    },
}

fn parse_role(value: &str) -> Result<Role, String> {
    value.parse()
}

/// How an admin command failed, with the exit code scripts can rely on.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl AdminError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Failed(_) => 1,
            Self::NotFound(_) => 3,
            Self::Refused(_) => 4,
        }
    }
}

impl From<AppError> for AdminError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound { .. } => Self::NotFound(e.to_string()),
            AppError::FieldInvalid { ref field, .. } => Self::Refused(format!("{field}: {e}")),
            AppError::Conflict { .. } | AppError::Forbidden => Self::Refused(e.to_string()),
            other => Self::Failed(anyhow::anyhow!(other.to_string())),
        }
    }
}

impl From<sqlx::Error> for AdminError {
    fn from(e: sqlx::Error) -> Self {
        Self::Failed(e.into())
    }
}

/// Runs one admin command to completion.
pub async fn run(settings: Settings, command: AdminCommand) -> Result<(), AdminError> {
    let database = Database::open(&settings, IfRunning::Attach).await?;
    let result = execute(&settings, &database, command).await;
    database.close().await?;
    result
}

async fn execute(
    settings: &Settings,
    db: &Database,
    command: AdminCommand,
) -> Result<(), AdminError> {
    let pool = &db.pool;
    let region_or_default = |r: Option<String>| -> Result<String, AdminError> {
        let region = r.unwrap_or_else(|| settings.regions[0].clone());
        if settings.regions.contains(&region) {
            Ok(region)
        } else {
            Err(AdminError::Refused(format!(
                "region `{region}` is not configured"
            )))
        }
    };
    match command {
        AdminCommand::CreateAccount { name, email } => {
            let name = AccountName::parse(&name).map_err(AdminError::Refused)?;
            let email = EmailAddress::parse(&email).map_err(AdminError::Refused)?;
            let hash = new_password_hash().await?;
            let mut tx = pool.begin().await?;
            let created =
                accounts::create_account(&mut tx, &name, &email, &hash, &settings.regions).await?;
            tx.commit().await?;
            println!("{}", created.account_id);
        }
        AdminCommand::CreateUser {
            account,
            name,
            email,
            role,
        } => {
            let account = parse_account(&account)?;
            users::check_user_name(&name)?;
            let email = EmailAddress::parse(&email).map_err(AdminError::Refused)?;
            let hash = new_password_hash().await?;
            require_account(pool, &account).await?;
            let mut tx = pool.begin().await?;
            users::db::insert_user(&mut *tx, &account, &name, email.as_str(), &hash, role)
                .await
                .on_constraints(&[
                    ("account_user_email_key", users::email_taken),
                    ("account_user_name_key", users::name_taken),
                ])?;
            let created = format!("{name} ({role})");
            record(
                &mut *tx,
                &account,
                Change::new(AuditKind::UserCreated, &created),
            )
            .await?;
            tx.commit().await?;
            println!("{}", auth::user_arn(&account, &name));
        }
        AdminCommand::CreateAccessKey {
            account,
            email,
            region,
        } => {
            let account = parse_account(&account)?;
            let region = region_or_default(region)?;
            let email = EmailAddress::parse(&email).map_err(AdminError::Refused)?;
            let user = users::db::find_user_id_by_email(pool, &account, email.as_str())
                .await?
                .ok_or_else(|| {
                    AdminError::NotFound(format!("account {account} has no user {email}"))
                })?;
            let vault = app::server::vault::SecretVault::new(&master_key::load(settings)?);
            let request = access_keys::KeyRequest::unlimited(&region);
            let actor = by_admin_command();
            let key = access_keys::issue_access_key(pool, &vault, &account, user, &request, &actor)
                .await?;
            println!("ACCESS_KEY_ID={}", key.access_key_id);
            println!("SECRET_ACCESS_KEY={}", key.secret_access_key);
            println!("SMTP_PASSWORD={}", key.smtp_password);
        }
        AdminCommand::SetProductionAccess {
            account,
            region,
            revoke,
        } => {
            let account = parse_account(&account)?;
            let region = region_or_default(region)?;
            let mut tx = pool.begin().await?;
            if !accounts::db::set_sandbox(&mut *tx, &account, &region, revoke).await? {
                return Err(AdminError::NotFound(format!(
                    "no account {account} in {region}"
                )));
            }
            let kind = match revoke {
                true => AuditKind::ProductionAccessRevoked,
                false => AuditKind::ProductionAccessGranted,
            };
            record(&mut *tx, &account, Change::new(kind, &region)).await?;
            tx.commit().await?;
            eprintln!(
                "account {account} is {} in {region}",
                if revoke {
                    "in the sandbox"
                } else {
                    "in production"
                }
            );
        }
        AdminCommand::SetQuota {
            account,
            region,
            max_24_hour_send,
            max_send_rate,
        } => {
            let account = parse_account(&account)?;
            let region = region_or_default(region)?;
            if !(max_24_hour_send >= 0.0 || max_24_hour_send == -1.0) || max_send_rate <= 0.0 {
                return Err(AdminError::Refused(
                    "quotas must be positive (-1: unlimited daily sends)".into(),
                ));
            }
            let mut tx = pool.begin().await?;
            let quota = (max_24_hour_send, max_send_rate);
            if !accounts::db::set_quota(&mut *tx, &account, &region, quota.0, quota.1).await? {
                return Err(AdminError::NotFound(format!(
                    "no account {account} in {region}"
                )));
            }
            let set = format!(
                "{region}: {max_24_hour_send} recipients per 24 hours, {max_send_rate} per second"
            );
            record(
                &mut *tx,
                &account,
                Change::new(AuditKind::QuotaChanged, &set),
            )
            .await?;
            tx.commit().await?;
        }
        AdminCommand::DisableAccount { account, enable } => {
            let account = parse_account(&account)?;
            let mut tx = pool.begin().await?;
            let Some(changed) =
                operator::db::set_account_disabled(&mut *tx, &account, !enable).await?
            else {
                return Err(AdminError::NotFound(format!("no account {account}")));
            };
            if !changed {
                eprintln!("account {account} is so already");
                return Ok(());
            }
            let kind = match enable {
                true => AuditKind::AccountEnabled,
                false => AuditKind::AccountDisabled,
            };
            record(&mut *tx, &account, Change::new(kind, "")).await?;
            tx.commit().await?;
        }
        AdminCommand::CreateOperator { email } => {
            let email = EmailAddress::parse(&email).map_err(AdminError::Refused)?;
            let hash = new_password_hash().await?;
            let mut tx = pool.begin().await?;
            auth::db::insert_operator(&mut *tx, email.as_str(), &hash)
                .await
                .on_constraint("operator_email_key", || AppError::Conflict {
                    message: "An operator with this email already exists.".to_owned(),
                })?;
            let change = Change::new(AuditKind::OperatorCreated, email.as_str());
            audit::record_in(&mut *tx, &Log::Platform, &by_admin_command(), change).await?;
            tx.commit().await?;
            eprintln!("operator {email} created");
        }
        AdminCommand::ResetOperatorTwoFactor { email } => {
            let email = EmailAddress::parse(&email).map_err(AdminError::Refused)?;
            let operator = auth::db::find_sign_in_operator(pool, email.as_str())
                .await?
                .ok_or_else(|| AdminError::NotFound(format!("no operator {email}")))?;
            let holder = auth::session::Claimant::Operator(operator.operator_id);
            let mut tx = pool.begin().await?;
            if !auth::two_factor::db::remove(&mut *tx, holder).await? {
                return Err(AdminError::Refused(format!(
                    "operator {email} does not sign in with two-factor authentication"
                )));
            }
            let change = Change::new(AuditKind::OperatorTwoFactorReset, email.as_str());
            audit::record_in(&mut *tx, &Log::Platform, &by_admin_command(), change).await?;
            tx.commit().await?;
            eprintln!("two-factor authentication of operator {email} is off");
        }
        AdminCommand::PublishDevZone {
            account,
            identity,
            region,
            remove,
        } => {
            let account = parse_account(&account)?;
            let region = region_or_default(region)?;
            let domain = DomainName::parse(&identity).map_err(AdminError::Refused)?;
            let id = identities::db::find_identity_id(pool, &account, &region, domain.as_str())
                .await?
                .ok_or_else(|| {
                    AdminError::NotFound(format!(
                        "account {account} has no identity {domain} in {region}"
                    ))
                })?;
            let scope = settings
                .dev_zone_scope()
                .map_err(|e| AdminError::Refused(e.to_string()))?;
            let actor = by_admin_command();
            identities::dev_zone::set_publication(pool, &scope, &account, id, !remove, &actor)
                .await?;
            eprintln!(
                "{} the records of {domain} {} the development zone",
                if remove { "removed" } else { "published" },
                if remove { "from" } else { "to" }
            );
        }
        AdminCommand::Mail { to } => {
            let to = EmailAddress::parse(&to).map_err(AdminError::Refused)?;
            let raw = app::system_mail::db::latest_to(pool, to.as_str())
                .await?
                .ok_or_else(|| AdminError::NotFound(format!("Sesame has sent no mail to {to}")))?;
            let message = mail_parser::MessageParser::default()
                .parse(&raw)
                .ok_or_else(|| {
                    AdminError::Failed(anyhow::anyhow!("the stored mail does not parse"))
                })?;
            println!("Subject: {}", message.subject().unwrap_or_default());
            println!();
            print!(
                "{}",
                message
                    .body_text(0)
                    .unwrap_or_default()
                    .replace("\r\n", "\n")
            );
        }
    }
    Ok(())
}

/// Who the audit log says made the command's changes.
fn by_admin_command() -> Actor {
    Actor::sesame("admin command")
}

/// Records a change the command made to `account`, in its transaction.
async fn record(
    db: impl sqlx::PgExecutor<'_>,
    account: &AccountId,
    change: Change<'_>,
) -> Result<(), sqlx::Error> {
    audit::record(db, account, &by_admin_command(), change).await
}

fn parse_account(value: &str) -> Result<AccountId, AdminError> {
    AccountId::parse(value).map_err(AdminError::Refused)
}

async fn require_account(pool: &sqlx::PgPool, account: &AccountId) -> Result<(), AdminError> {
    match accounts::db::find_account(pool, account).await? {
        Some(_) => Ok(()),
        None => Err(AdminError::NotFound(format!("no account {account}"))),
    }
}

/// Reads the new password (env or stdin), checks the rules and hashes it.
async fn new_password_hash() -> Result<String, AdminError> {
    let password = match std::env::var("SESAME_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("reading the password from stdin")?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    auth::password::check_rules(&password)?;
    Ok(PasswordHasher::new(1)
        .hash(SecretString::from(password))
        .await?)
}
