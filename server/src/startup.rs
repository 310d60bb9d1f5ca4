//! Building and running the HTTP application: bind, wire the router, serve until a
//! shutdown signal, then close the database (and the embedded cluster) in order.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use app::{
    auth::password::PasswordHasher,
    email::EmailAddress,
    identities::{dns::DnsLookup, verification::VerificationPolicy},
    server::{vault::SecretVault, AppContext, AppSettings},
    smtp::SmtpEndpoint,
};
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    assets,
    config::{BootstrapOperator, Settings},
    csrf::{self, TrustedOrigin},
    database::{Database, IfRunning},
    delivery,
    dns::dev_zone::DevZone,
    health, master_key, security_headers, sessions, shutdown,
    smtp::{SmtpAddrs, Submission},
    workers::{self, Workers},
};

/// A bound, ready-to-serve Sesame.
pub struct Application {
    listener: TcpListener,
    router: Router,
    database: Database,
    origin: String,
    smtp: SmtpAddrs,
    /// How long a request's head may take to arrive.
    header_timeout: Duration,
    /// The background loops, stopped after the HTTP server has drained.
    workers: Workers,
}

impl Application {
    /// Opens the database (starting the embedded cluster if configured so), applies
    /// migrations and binds the HTTP listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let database = Database::open(&settings, IfRunning::Refuse).await?;
        Self::with_database(settings, database).await
    }

    /// Builds around an already open database (tests use a fresh database per test).
    pub async fn with_database(settings: Settings, database: Database) -> anyhow::Result<Self> {
        let header_timeout = Duration::from_secs(settings.http.header_timeout_secs.max(1));
        let workers = Workers::default();
        match Self::wire(settings, &database, &workers).await {
            Ok((listener, router, origin, smtp)) => Ok(Self {
                listener,
                router,
                database,
                origin,
                smtp,
                header_timeout,
                workers,
            }),
            Err(e) => {
                workers.stop(WORKERS_GRACE).await;
                database.close().await.ok();
                Err(e)
            }
        }
    }

    async fn wire(
        settings: Settings,
        database: &Database,
        workers: &Workers,
    ) -> anyhow::Result<(TcpListener, Router, String, SmtpAddrs)> {
        let listener = TcpListener::bind(settings.http_addr)
            .await
            .with_context(|| format!("binding {}", settings.http_addr))?;
        let origin = settings.public_origin(listener.local_addr()?);
        let submission = Submission::bind(&settings.smtp).await?;
        let feedback = crate::feedback::bind(&settings.feedback).await?;
        let smtp_host = smtp_hostname(&settings, &origin);
        let dev_zone = match settings.dns.dev_zone {
            true => {
                Some(DevZone::bind(settings.dns.dev_zone_addr, settings.dev_zone_scope()?).await?)
            }
            false => None,
        };
        let dns = DnsLookup::new(
            &settings.dns.nameservers,
            dev_zone
                .as_ref()
                .map(|z| (z.local_addr(), z.scope().clone())),
        )
        .map_err(anyhow::Error::msg)?;
        if let Some(zone) = dev_zone {
            println!(
                "Development DNS zone on {} (udp and tcp)",
                zone.local_addr()
            );
            zone.spawn(workers, database.pool.clone());
        }
        let endpoint = submission.endpoint(&smtp_host, &settings.smtp);
        let context = app_context(&settings, database.pool.clone(), dns, &origin, endpoint).await?;
        workers::verification::spawn(
            workers,
            context.pool.clone(),
            context.dns.clone(),
            context.settings.verification,
            Duration::from_secs(settings.verification.poll_secs.max(1)),
        );
        workers::reputation::spawn(
            workers,
            context.pool.clone(),
            context.letterhead(),
            &settings.reputation,
        );
        workers::sweeper::spawn(
            workers,
            context.pool.clone(),
            context.settings.sessions,
            settings.retention.audit_days,
        );
        let deliverer = delivery::deliverer(
            &settings.delivery,
            context.pool.clone(),
            context.vault.clone(),
            context.dns.clone(),
            &helo_name(&settings, &origin),
            settings.feedback.domain.clone(),
        )?;
        Arc::clone(&deliverer).spawn(workers, settings.delivery.workers);
        // A process that runs no delivery workers sends none of Sesame's own mail either.
        delivery::system_mail::spawn(
            workers,
            &deliverer,
            settings.delivery.workers.min(SYSTEM_MAIL_WORKERS),
        );
        crate::notifications::Notifier::new(
            &settings.webhooks,
            context.pool.clone(),
            context.vault.clone(),
            context.dns.clone(),
            deliverer,
            context.settings.system_sender.as_str().into(),
        )
        .spawn(workers);
        let mut smtp = submission.addrs();
        smtp.feedback = feedback
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        crate::feedback::spawn(workers, feedback, &settings.feedback, context.pool.clone())?;
        submission.spawn(
            workers,
            &settings.smtp,
            &settings.data_dir,
            &smtp_host,
            context.clone(),
        )?;
        let router = router(&settings, context, &origin).await?;
        Ok((listener, router, origin, smtp))
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The SMTP submission listeners' addresses.
    pub fn smtp_addrs(&self) -> &SmtpAddrs {
        &self.smtp
    }

    /// Serves until SIGINT or SIGTERM, drains in-flight requests, then closes the database.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let addr = self.local_addr();
        println!(
            "Sesame is running at {}  (listening on http://{addr})",
            self.origin
        );
        tracing::info!(url = %self.origin, %addr, "sesame is serving");
        crate::serve::serve(
            self.listener,
            self.router,
            self.header_timeout,
            shutdown::signal(),
        )
        .await;
        tracing::info!("shutting down");
        self.workers.stop(WORKERS_GRACE).await;
        self.database.close().await
    }
}

/// What server functions get: the pool, the hasher, the vault and the settings they use.
async fn app_context(
    settings: &Settings,
    pool: sqlx::PgPool,
    dns: DnsLookup,
    origin: &str,
    smtp: SmtpEndpoint,
) -> anyhow::Result<AppContext> {
    // A region added to the configuration gets limits for every existing account.
    app::accounts::db::insert_missing_region_limits(&pool, &settings.regions).await?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let passwords = PasswordHasher::new(cores);
    if let Some(operator) = &settings.bootstrap_operator {
        bootstrap_operator(&pool, &passwords, operator).await?;
    }
    let committer = app::sending::committer::Committer::start(pool.clone());
    Ok(AppContext {
        pool,
        passwords,
        vault: SecretVault::new(&master_key::load(settings)?),
        dns,
        committer,
        keys: app::access_keys::cache::KeyCache::new(Duration::from_millis(
            settings.api.key_cache_ms,
        )),
        settings: Arc::new(AppSettings {
            regions: settings.regions.clone(),
            sessions: sessions::limits(&settings.session),
            public_origin: origin.to_owned(),
            system_sender: system_sender(settings, origin)?,
            verification: verification_policy(&settings.verification),
            delivery: delivery::describe(&settings.delivery),
            smtp,
            webhooks: crate::notifications::policy(&settings.webhooks),
            reputation: settings.reputation.thresholds.clone(),
            prices: settings.billing.clone(),
        }),
    })
}

/// Workers delivering Sesame's own mail (verification links, notices: a light load).
const SYSTEM_MAIL_WORKERS: usize = 2;

/// How long the background loops get at shutdown to finish the round they are in.
const WORKERS_GRACE: Duration = Duration::from_secs(10);

/// The address Sesame's own mail comes from: as configured, else `no-reply@` the feedback
/// domain or the host users reach Sesame at.
fn system_sender(settings: &Settings, origin: &str) -> anyhow::Result<String> {
    let sender = match &settings.delivery.system_sender {
        Some(configured) => EmailAddress::parse(configured)
            .map_err(|e| anyhow::anyhow!("invalid configuration: delivery.system_sender: {e}"))?
            .to_string(),
        None => app::system_mail::default_sender(
            settings.feedback.domain.as_deref(),
            &smtp_hostname(settings, origin),
        ),
    };
    if settings.delivery.mode != delivery::DeliveryMode::Sink && sender.ends_with(".localhost") {
        tracing::warn!(
            %sender,
            "Sesame's own mail (verification links) leaves from a .localhost address that receivers will refuse; set delivery.system_sender or public_url"
        );
    }
    Ok(sender)
}

/// The host users reach Sesame at (without an IPv6 address's brackets).
fn origin_host(origin: &str) -> String {
    origin
        .parse::<http::Uri>()
        .ok()
        .and_then(|uri| uri.host().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The name Sesame gives in EHLO: as configured, else the host users reach it at (an IP
/// address as an address literal, `[127.0.0.1]`).
fn helo_name(settings: &Settings, origin: &str) -> String {
    if let Some(name) = &settings.delivery.helo_name {
        return name.clone();
    }
    let host = origin_host(origin);
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => format!("[{ip}]"),
        Err(_) => host,
    }
}

/// The name the SMTP interface greets with and users connect to.
fn smtp_hostname(settings: &Settings, origin: &str) -> String {
    settings
        .smtp
        .hostname
        .clone()
        .unwrap_or_else(|| origin_host(origin))
}

fn verification_policy(v: &crate::config::VerificationSettings) -> VerificationPolicy {
    VerificationPolicy {
        window: Duration::from_secs(v.window_secs),
        grace: Duration::from_secs(v.grace_secs),
        retry_every: Duration::from_secs(v.retry_secs),
        recheck_every: Duration::from_secs(v.recheck_secs),
    }
}

/// Creates the configured operator unless one with that email exists (its password is then
/// left alone: the configuration seeds, it does not overwrite).
async fn bootstrap_operator(
    pool: &sqlx::PgPool,
    passwords: &PasswordHasher,
    operator: &BootstrapOperator,
) -> anyhow::Result<()> {
    let email = EmailAddress::parse(&operator.email)
        .map_err(|e| anyhow::anyhow!("bootstrap_operator.email: {e}"))?;
    if app::auth::db::find_sign_in_operator(pool, email.as_str())
        .await?
        .is_some()
    {
        return Ok(());
    }
    app::auth::password::check_rules(operator.password.expose_secret())
        .map_err(|e| anyhow::anyhow!("bootstrap_operator.password: {e}"))?;
    let hash = passwords
        .hash(operator.password.clone())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    app::auth::db::insert_operator(pool, email.as_str(), &hash).await?;
    tracing::info!(email = %email, "created the bootstrap operator");
    Ok(())
}

/// The whole HTTP surface: pages and server functions (CSRF-guarded, with sessions), static
/// assets, the SES-compatible API (signed requests, no sessions) and the health probes.
async fn router(settings: &Settings, context: AppContext, origin: &str) -> anyhow::Result<Router> {
    let mut leptos_options = get_configuration(None)?.leptos_options;
    leptos_options.site_root = Arc::from(settings.site_root.to_string_lossy().as_ref());
    let routes = generate_route_list(app::App);
    let pool = context.pool.clone();
    let session_layer = sessions::layer(&pool, settings, origin);

    // The same context for pages, server functions and the not-found page (which renders
    // the app shell too, with its signed-in header).
    // One budget for every body in flight, the API's and the pages'.
    let bodies = crate::bodies::BodyBudget::new(
        settings.api.max_in_flight_bytes,
        Duration::from_secs(settings.api.body_timeout_secs.max(1)),
    );
    let api = crate::ses::router(crate::ses::SesApi {
        context: context.clone(),
        clock_skew_secs: settings.api.clock_skew_secs,
        bodies: bodies.clone(),
    });
    let proxies = crate::client_address::TrustedProxies::parse(
        &settings.http.trusted_proxies,
        settings.http.forwarded_header,
    )?;
    let assets = assets::router(
        &leptos_options.site_pkg_dir,
        &settings.site_root.join(&*leptos_options.site_pkg_dir),
    );
    let provide = move || provide_context(context.clone());
    let pages = Router::new()
        .leptos_routes_with_context(&leptos_options, routes, provide.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            provide,
            app::shell,
        ))
        .with_state(leptos_options)
        .layer(middleware::from_fn_with_state(
            TrustedOrigin(Arc::from(origin)),
            csrf::refuse_cross_site,
        ))
        .layer(session_layer)
        // Outermost of the pages' layers: nothing (not even the session store) runs for a
        // body that is refused.
        .layer(middleware::from_fn_with_state(
            bodies,
            crate::bodies::buffer_page_body,
        ));

    Ok(Router::new()
        .merge(health::router(pool))
        .merge(api)
        .merge(assets)
        .merge(pages)
        .layer(middleware::from_fn(security_headers::set))
        .layer(TraceLayer::new_for_http().make_span_with(crate::telemetry::request_span))
        .layer(middleware::from_fn_with_state(
            proxies,
            crate::client_address::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            crate::overload::Slots::new(settings.http.max_concurrent_requests),
            crate::overload::admit,
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid)))
}
