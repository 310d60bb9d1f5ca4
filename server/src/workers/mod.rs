//! Background workers. They coordinate through the database (`FOR UPDATE SKIP LOCKED` and
//! leases), so any number of Sesame processes can run them side by side.

pub mod leader;
pub mod reputation;
pub mod sweeper;
pub mod verification;
