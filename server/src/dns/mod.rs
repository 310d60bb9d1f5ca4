//! DNS for domain verification: the built-in development zone server.

pub mod dev_zone;
