//! The verification state machine of a domain identity, as a pure function of what the
//! resolver found and the time, so every transition is unit-tested.
//!
//! - Pending → Success when a record matches; Pending → Failed once the window has passed.
//! - Success → TemporaryFailure when the records disappear (sending goes on for the grace
//!   period); TemporaryFailure → Success when they are back, → Failed after the grace.
//! - Failed and NotStarted stay as they are until the owner restarts verification.

use std::time::Duration;

use super::VerificationStatus;

/// How long the phases last (configurable; short in tests).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerificationPolicy {
    /// Pending for at most this long (SES: 72 hours).
    pub window: Duration,
    /// A verified domain whose records vanished keeps sending this long.
    pub grace: Duration,
    /// How often pending and troubled domains are checked.
    pub retry_every: Duration,
    /// How often verified domains are re-checked.
    pub recheck_every: Duration,
}

/// The state after a check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Transition {
    pub status: VerificationStatus,
    /// Seconds since the epoch at which the records were first seen missing, if they are.
    pub problem_since: Option<i64>,
    /// Seconds from now until the next check (None: no more automatic checks).
    pub next_check_in: Option<Duration>,
}

/// Decides the next state. Times are Unix seconds.
pub fn next_state(
    status: VerificationStatus,
    found: bool,
    started_at: i64,
    problem_since: Option<i64>,
    now: i64,
    policy: &VerificationPolicy,
) -> Transition {
    use VerificationStatus::*;
    let elapsed = |since: i64| Duration::from_secs((now - since).max(0) as u64);
    let verified = Transition {
        status: Success,
        problem_since: None,
        next_check_in: Some(policy.recheck_every),
    };
    match (status, found) {
        (Pending | Success | TemporaryFailure, true) => verified,
        (Pending, false) if elapsed(started_at) >= policy.window => Transition {
            status: Failed,
            problem_since: None,
            next_check_in: None,
        },
        (Pending, false) => Transition {
            status: Pending,
            problem_since: None,
            next_check_in: Some(policy.retry_every),
        },
        (Success | TemporaryFailure, false) => {
            let since = problem_since.unwrap_or(now);
            if elapsed(since) >= policy.grace {
                Transition {
                    status: Failed,
                    problem_since: Some(since),
                    next_check_in: None,
                }
            } else {
                Transition {
                    status: TemporaryFailure,
                    problem_since: Some(since),
                    next_check_in: Some(policy.retry_every),
                }
            }
        }
        (Failed | NotStarted, _) => Transition {
            status,
            problem_since,
            next_check_in: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::{VerificationStatus::*, *};

    const H: i64 = 3600;
    fn policy() -> VerificationPolicy {
        VerificationPolicy {
            window: Duration::from_secs(72 * 3600),
            grace: Duration::from_secs(72 * 3600),
            retry_every: Duration::from_secs(60),
            recheck_every: Duration::from_secs(3600),
        }
    }

    #[test]
    fn pending_succeeds_when_a_record_matches() {
        let t = next_state(Pending, true, 0, None, H, &policy());
        assert_eq!(t.status, Success);
        assert_eq!(t.next_check_in, Some(Duration::from_secs(3600)));
    }

    #[test]
    fn pending_fails_only_after_the_window() {
        assert_eq!(
            next_state(Pending, false, 0, None, 71 * H, &policy()).status,
            Pending
        );
        let failed = next_state(Pending, false, 0, None, 72 * H, &policy());
        assert_eq!(failed.status, Failed);
        assert_eq!(failed.next_check_in, None);
    }

    #[test]
    fn vanished_records_give_a_grace_period_then_fail() {
        let troubled = next_state(Success, false, 0, None, 100 * H, &policy());
        assert_eq!(
            (troubled.status, troubled.problem_since),
            (TemporaryFailure, Some(100 * H))
        );
        let still = next_state(
            TemporaryFailure,
            false,
            0,
            Some(100 * H),
            171 * H,
            &policy(),
        );
        assert_eq!(still.status, TemporaryFailure);
        assert_eq!(
            next_state(
                TemporaryFailure,
                false,
                0,
                Some(100 * H),
                172 * H,
                &policy()
            )
            .status,
            Failed
        );
    }

    #[test]
    fn records_coming_back_recover_the_identity() {
        let t = next_state(TemporaryFailure, true, 0, Some(100 * H), 150 * H, &policy());
        assert_eq!((t.status, t.problem_since), (Success, None));
    }

    #[test]
    fn failed_identities_wait_for_the_owner() {
        assert_eq!(
            next_state(Failed, true, 0, None, H, &policy()).status,
            Failed
        );
        assert_eq!(
            next_state(NotStarted, true, 0, None, H, &policy()).next_check_in,
            None
        );
    }
}
