//! The identities list and the identity page.

mod detail;
mod list;
mod status_badge;
mod verify_email;

pub use detail::IdentityPage;
pub use list::IdentitiesPage;
pub use status_badge::StatusBadge;
pub use verify_email::VerifyEmailPage;
