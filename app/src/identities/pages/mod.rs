//! The identities list and the identity page.

mod detail;
mod list;
mod verify_email;

pub use detail::IdentityPage;
pub use list::IdentitiesPage;
pub use verify_email::VerifyEmailPage;
