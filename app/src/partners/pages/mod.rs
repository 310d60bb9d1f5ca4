//! The partner's page for a link, and the owner's links beside the policy generator.

mod invitation;
mod links;

pub use invitation::PartnerInvitationPage;
pub use links::PartnerLinks;
