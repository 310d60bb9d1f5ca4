//! Sign-up, sign-in (users and operators, a second factor), password reset and the app-wide
//! authentication state.

mod confirm_sign_up;
mod password_reset;
mod sign_in;
mod sign_up;
mod state;
mod two_factor;

pub use confirm_sign_up::ConfirmSignUpPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use sign_in::{OperatorSignInPage, SignInPage};
pub use sign_up::SignUpPage;
pub use state::{AuthState, SignOutButton};
pub use two_factor::{Enrol, RecoveryCodes, TwoFactorSignInPage};
