//! The command line: `sesame [serve]`, `sesame postgres`, `sesame admin …`.

use clap::{Parser, Subcommand};

use crate::{admin::AdminCommand, config::Overrides};

/// Sesame: self-hostable email sending with Amazon SES's identities and sending authorization.
///
/// With no DATABASE_URL, Sesame starts its own PostgreSQL cluster in the data directory
/// from the system's Postgres programs, and stops it when Sesame stops.
#[derive(Debug, Parser)]
#[command(name = "sesame", version)]
pub struct Cli {
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web UI and APIs (the default).
    Serve,
    /// Run only the embedded Postgres cluster in the foreground and print its URL, for
    /// psql, backups and test suites. Stops the cluster on Ctrl-C / SIGTERM.
    Postgres,
    /// Operator tasks for people and scripts (accounts, users, keys, quotas, operators).
    #[command(subcommand)]
    Admin(AdminCommand),
}
