//! SES's mailbox simulator: mail to `…@simulator.amazonses.com` is never sent anywhere;
//! its outcome is decided by the local part (a `+label` is ignored, for VERP testing).

use app::feedback::Bounce;

use super::transport::{RecipientResult, Reply};

/// What the simulator makes of a recipient.
pub struct Simulated {
    pub result: RecipientResult,
    /// How a bounce is recorded.
    pub bounce: Option<Bounce>,
    /// Delivered, then complained about (`complaint@`).
    pub complains: bool,
}

/// The simulated outcome, or None when `address` is not a simulator address.
pub fn simulate(address: &str) -> Option<Simulated> {
    if !app::sending::is_simulator_address(address) {
        return None;
    }
    let (local, _) = address.rsplit_once('@')?;
    let mailbox = local
        .split('+')
        .next()
        .unwrap_or(local)
        .to_ascii_lowercase();
    Some(match mailbox.as_str() {
        "bounce" => Simulated {
            result: RecipientResult::Bounced(Reply::new(550, "5.1.1 user unknown")),
            bounce: Some(Bounce::simulated()),
            complains: false,
        },
        "suppressionlist" => Simulated {
            result: RecipientResult::Bounced(Reply::new(
                550,
                "5.1.1 recipient address is on the suppression list",
            )),
            bounce: Some(Bounce::simulated_suppressed()),
            complains: false,
        },
        // success, ooto and complaint are delivered (the complaint comes after delivery);
        // so is anything else at the simulator.
        other => Simulated {
            result: RecipientResult::Delivered(Reply::new(250, "2.0.0 Ok: simulated delivery")),
            bounce: None,
            complains: other == "complaint",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_part_decides_and_labels_are_ignored() {
        let result = |address: &str| simulate(address).map(|s| s.result);
        assert!(matches!(
            result("success@simulator.amazonses.com"),
            Some(RecipientResult::Delivered(_))
        ));
        let Some(RecipientResult::Bounced(reply)) = result("Bounce+run7@Simulator.AmazonSES.com")
        else {
            panic!("a labelled bounce address bounces");
        };
        assert_eq!(reply.to_string(), "550 5.1.1 user unknown");
        let suppressed = simulate("suppressionlist@simulator.amazonses.com").unwrap();
        assert!(matches!(suppressed.result, RecipientResult::Bounced(_)));
        assert_eq!(suppressed.bounce.unwrap().sub_type, "Suppressed");
        assert!(matches!(
            result("ooto@simulator.amazonses.com"),
            Some(RecipientResult::Delivered(_))
        ));
        let complaint = simulate("complaint+x@simulator.amazonses.com").unwrap();
        assert!(matches!(complaint.result, RecipientResult::Delivered(_)) && complaint.complains);
        assert!(simulate("bounce@example.com").is_none());
    }
}
