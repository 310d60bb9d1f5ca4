//! Turning internal failures into opaque, logged `AppError::Internal`s, and violations of
//! named constraints into the errors they mean.

use crate::error::AppError;

/// Logs `cause` once, with a fresh reference, and returns an error carrying only that
/// reference: the client never sees SQL or other internal text.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    tracing::error!(%reference, error = %cause, "internal error");
    AppError::Internal { reference }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        internal(e)
    }
}

/// Maps violations of named constraints to user-facing errors; anything else is internal.
/// Constraint names are fixed in the migrations, and each mapping has a test.
/// A constraint's name and the error its violation means for the user.
pub type ConstraintMapping<'a> = (&'a str, fn() -> AppError);

pub trait ConstraintExt<T> {
    fn on_constraints(self, mappings: &[ConstraintMapping<'_>]) -> Result<T, AppError>;

    fn on_constraint(self, name: &str, error: fn() -> AppError) -> Result<T, AppError>
    where
        Self: Sized,
    {
        self.on_constraints(&[(name, error)])
    }
}

impl<T> ConstraintExt<T> for Result<T, sqlx::Error> {
    fn on_constraints(self, mappings: &[ConstraintMapping<'_>]) -> Result<T, AppError> {
        self.map_err(|e| {
            let violated = match &e {
                sqlx::Error::Database(db) => db.constraint(),
                _ => None,
            };
            match mappings.iter().find(|(name, _)| Some(*name) == violated) {
                Some((_, error)) => error(),
                None => internal(e),
            }
        })
    }
}
