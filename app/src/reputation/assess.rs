//! Judging rates against the thresholds: what an account's status should become, if
//! anything. Automatic judgement only ever tightens to Paused; leaving Paused is an
//! operator's decision.

use super::{percent, EnforcementStatus, Rates, Thresholds};

/// How bad the rates are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Fine,
    Review,
    Pause,
}

/// The status `current` should change to given `rates` (and why), or None.
pub fn assess(
    current: EnforcementStatus,
    rates: &Rates,
    thresholds: &Thresholds,
) -> Option<(EnforcementStatus, String)> {
    use EnforcementStatus::*;
    if rates.rated < thresholds.min_volume {
        return None;
    }
    let (level, why) = level(rates, thresholds);
    let next = match (current, level) {
        (Paused, _) => return None,
        (_, Level::Pause) if thresholds.auto_pause => Paused,
        (Healthy, Level::Pause | Level::Review) => UnderReview,
        (UnderReview, Level::Fine) => Healthy,
        _ => return None,
    };
    let reason = match next {
        Healthy => format!(
            "Bounce rate {} and complaint rate {} are below the review thresholds over {} counted sends.",
            percent(rates.bounce_rate()),
            percent(rates.complaint_rate()),
            rates.rated
        ),
        _ => format!("{why} over {} counted sends.", rates.rated),
    };
    Some((next, reason))
}

/// The worse of the two rates' levels, in words.
fn level(rates: &Rates, t: &Thresholds) -> (Level, String) {
    let judge = |name: &str, rate: f64, review: f64, pause: f64| {
        let (level, threshold, what) = if rate >= pause {
            (Level::Pause, pause, "pause")
        } else if rate >= review {
            (Level::Review, review, "review")
        } else {
            (Level::Fine, review, "review")
        };
        let relation = if level == Level::Fine {
            "below"
        } else {
            "at or above"
        };
        let words = format!(
            "{name} rate {} is {relation} the {} {what} threshold",
            percent(rate),
            percent(threshold)
        );
        (level, words)
    };
    let bounce = judge(
        "Bounce",
        rates.bounce_rate(),
        t.bounce_review,
        t.bounce_pause,
    );
    let complaint = judge(
        "Complaint",
        rates.complaint_rate(),
        t.complaint_review,
        t.complaint_pause,
    );
    if complaint.0 > bounce.0 {
        complaint
    } else {
        bounce
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EnforcementStatus::*;

    fn rates(rated: i64, hard_bounces: i64, complaints: i64) -> Rates {
        Rates {
            rated,
            hard_bounces,
            complaints,
        }
    }

    #[test]
    fn statuses_follow_the_thresholds() {
        let t = Thresholds::default();
        // (status now, rated, hard bounces, complaints, status after)
        let table = [
            // Too little volume to judge, however bad.
            (Healthy, 199, 199, 199, Healthy),
            (UnderReview, 10, 0, 0, UnderReview),
            // Below both review thresholds.
            (Healthy, 1000, 49, 0, Healthy),
            (Healthy, 1000, 0, 0, Healthy),
            // Exactly at a review threshold: under review.
            (Healthy, 1000, 50, 0, UnderReview),
            (Healthy, 1000, 0, 1, UnderReview),
            // Between review and pause: stays under review.
            (UnderReview, 1000, 99, 0, UnderReview),
            (UnderReview, 1000, 0, 4, UnderReview),
            // At a pause threshold, from either status.
            (Healthy, 1000, 100, 0, Paused),
            (UnderReview, 1000, 0, 5, Paused),
            (Healthy, 200, 21, 0, Paused),
            // Healed: back below both review thresholds.
            (UnderReview, 1000, 49, 0, Healthy),
            // Paused stays paused, even with clean rates: an operator reinstates.
            (Paused, 1000, 0, 0, Paused),
            (Paused, 1000, 500, 0, Paused),
        ];
        for (now, rated, bounces, complaints, expected) in table {
            let after = assess(now, &rates(rated, bounces, complaints), &t)
                .map(|(status, _)| status)
                .unwrap_or(now);
            assert_eq!(
                after, expected,
                "{now:?} with {rated} rated, {bounces} bounces, {complaints} complaints"
            );
        }
    }

    #[test]
    fn without_auto_pause_the_worst_is_under_review() {
        let t = Thresholds {
            auto_pause: false,
            ..Thresholds::default()
        };
        let bad = rates(1000, 300, 0);
        assert_eq!(assess(Healthy, &bad, &t).unwrap().0, UnderReview);
        assert_eq!(assess(UnderReview, &bad, &t), None);
    }

    #[test]
    fn thresholds_are_configurable() {
        let t = Thresholds {
            bounce_review: 0.02,
            bounce_pause: 0.03,
            min_volume: 10,
            ..Thresholds::default()
        };
        assert_eq!(
            assess(Healthy, &rates(100, 2, 0), &t).unwrap().0,
            UnderReview
        );
        assert_eq!(assess(Healthy, &rates(100, 3, 0), &t).unwrap().0, Paused);
    }

    #[test]
    fn the_reason_names_the_rate_and_threshold_that_decided() {
        let t = Thresholds::default();
        let (_, reason) = assess(Healthy, &rates(1000, 120, 2), &t).unwrap();
        assert_eq!(
            reason,
            "Bounce rate 12.0 % is at or above the 10.0 % pause threshold over 1000 counted sends."
        );
        let (_, reason) = assess(Healthy, &rates(1000, 10, 6), &t).unwrap();
        assert_eq!(
            reason,
            "Complaint rate 0.60 % is at or above the 0.50 % pause threshold over 1000 counted sends."
        );
        let (status, reason) = assess(UnderReview, &rates(1000, 10, 0), &t).unwrap();
        assert_eq!(status, Healthy);
        assert!(
            reason.starts_with("Bounce rate 1.0 % and complaint rate 0.0 %"),
            "{reason}"
        );
    }
}
