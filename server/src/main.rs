use std::process::ExitCode;

use clap::Parser;
use secrecy::ExposeSecret;
use sesame::{
    admin,
    cli::{Cli, Command},
    config::Settings,
    database::{Database, IfRunning},
    shutdown,
    startup::Application,
    telemetry,
};

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let cli = Cli::parse();
    let settings = match Settings::load(&cli.overrides) {
        Ok(settings) => settings,
        Err(e) => return fail(&e, 2),
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings).await,
        Command::Postgres => run_database_only(settings).await,
        Command::Admin(command) => match admin::run(settings, command).await {
            Ok(()) => Ok(()),
            Err(e) => return fail(&e, e.exit_code()),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, 1),
    }
}

fn fail(error: &dyn std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("error: {error:#}");
    ExitCode::from(code)
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    Application::build(settings)
        .await?
        .run_until_stopped()
        .await
}

/// `sesame postgres`: the embedded cluster alone, until SIGINT/SIGTERM.
async fn run_database_only(settings: Settings) -> anyhow::Result<()> {
    if settings.database_url.is_some() {
        anyhow::bail!("DATABASE_URL is set: there is no embedded cluster to run");
    }
    let database = Database::open(&settings, IfRunning::Refuse).await?;
    if let Some(url) = database.embedded_url() {
        println!("DATABASE_URL={}", url.expose_secret());
    }
    shutdown::signal().await;
    database.close().await
}
