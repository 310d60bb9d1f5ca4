//! The identities list and the identity page.

mod detail;
mod list;

pub use detail::IdentityPage;
pub use list::IdentitiesPage;
