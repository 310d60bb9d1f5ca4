//! Proof of ownership, attacked through the public surface as another tenant of a hosted
//! Sesame would: reading someone's verification link or mail (`addresses`), verifying a
//! domain one does not own (`domains`), and sending a From that was never authorized
//! (`raw_from`). Each test fails on the code before the fix it guards.

mod addresses;
mod domains;
mod raw_from;
