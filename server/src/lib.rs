//! The Sesame server: configuration, startup, HTTP routing, the embedded database, and the
//! operator command line. Product logic lives in the `app` crate; this crate wires it up.

pub mod admin;
mod assets;
pub mod bodies;
pub mod cli;
pub mod client_address;
pub mod config;
mod csrf;
pub mod database;
pub mod delivery;
pub mod dns;
pub mod feedback;
mod health;
mod master_key;
pub mod notifications;
mod overload;
mod security_headers;
mod serve;
pub mod ses;
mod sessions;
pub mod shutdown;
pub mod smtp;
pub mod startup;
pub mod telemetry;
pub mod workers;
