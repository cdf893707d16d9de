//! What to do with an action after one delivery attempt: a pure function of the answer and
//! the attempt count, tested on its own.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use komek_api::ActionReceipt;

use crate::portal::PortalError;

/// Retry delays start here and double, with jitter, up to the cap.
pub const FIRST_RETRY: Duration = Duration::from_secs(1);
/// No retry comes sooner than this, however the jitter falls.
pub const MIN_RETRY: Duration = Duration::from_millis(100);
pub const RETRY_CAP: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accepted: keep the portal's reference, purge the payload.
    Delivered { reference: String },
    /// Refused for good: park it with the reason; it never blocks the queue.
    Park { reason: String },
    /// Not this time: try again after the delay.
    RetryAfter { delay: Duration, reason: String },
}

/// The delay before retry number `attempt` (0 for the first retry), with full jitter: drawn
/// uniformly below a ceiling that doubles from `FIRST_RETRY` (backon's exponential schedule)
/// up to `RETRY_CAP`, never under `MIN_RETRY`. A fleet of kiosks that come back online
/// together spreads out instead of knocking on the gateway in step.
pub fn backoff_delay(attempt: u32) -> Duration {
    let ceiling = ExponentialBuilder::default()
        .with_min_delay(FIRST_RETRY)
        .with_max_delay(RETRY_CAP)
        .with_factor(2.0)
        .without_max_times()
        .build()
        .nth(usize::try_from(attempt).unwrap_or(usize::MAX).min(64))
        .unwrap_or(RETRY_CAP)
        .min(RETRY_CAP);
    ceiling.mul_f64(rand::random::<f64>()).max(MIN_RETRY)
}

pub fn decide(answer: &Result<ActionReceipt, PortalError>, attempt: u32) -> Decision {
    match answer {
        Ok(receipt) => Decision::Delivered {
            reference: receipt.reference.clone(),
        },
        Err(e) if e.is_permanent() => Decision::Park {
            reason: e.to_string(),
        },
        Err(PortalError::Throttled {
            retry_after: Some(after),
        }) => Decision::RetryAfter {
            delay: (*after).max(backoff_delay(attempt)).min(RETRY_CAP),
            reason: "throttled by the gateway".into(),
        },
        Err(e) => Decision::RetryAfter {
            delay: backoff_delay(attempt),
            reason: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use komek_api::{ApiError, ErrorCode};
    use uuid::Uuid;

    fn refused(status: u16, code: ErrorCode) -> Result<ActionReceipt, PortalError> {
        Err(PortalError::Refused {
            status,
            error: Some(ApiError {
                code,
                message: "no".into(),
                attempts_left: None,
            }),
        })
    }

    #[test]
    fn accepted_is_delivered_with_the_portal_reference() {
        let ok = Ok(ActionReceipt {
            action_id: Uuid::now_v7(),
            reference: "SP-1".into(),
            accepted_at: Utc::now(),
        });
        assert_eq!(
            decide(&ok, 0),
            Decision::Delivered {
                reference: "SP-1".into()
            }
        );
    }

    #[test]
    fn client_errors_park_and_everything_else_retries() {
        assert!(matches!(
            decide(&refused(422, ErrorCode::InvalidAction), 0),
            Decision::Park { .. }
        ));
        assert!(matches!(
            decide(&refused(403, ErrorCode::GrantExpired), 3),
            Decision::Park { .. }
        ));
        assert!(matches!(
            decide(&refused(409, ErrorCode::IdempotencyConflict), 0),
            Decision::Park { .. }
        ));
        for transient in [
            PortalError::Unreachable("reset".into()),
            PortalError::ServerFailure { status: 503 },
            PortalError::ServerFailure { status: 408 },
            PortalError::Garbage("<html>".into()),
            PortalError::Throttled { retry_after: None },
        ] {
            assert!(matches!(
                decide(&Err(transient), 0),
                Decision::RetryAfter { .. }
            ));
        }
    }

    #[test]
    fn retry_after_is_honoured() {
        let throttled = Err(PortalError::Throttled {
            retry_after: Some(Duration::from_secs(42)),
        });
        match decide(&throttled, 0) {
            Decision::RetryAfter { delay, .. } => assert!(delay >= Duration::from_secs(42)),
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn backoff_grows_and_stays_capped() {
        for attempt in 0..200 {
            let d = backoff_delay(attempt);
            assert!(d >= MIN_RETRY, "attempt {attempt}: {d:?}");
            assert!(d <= RETRY_CAP, "attempt {attempt}: {d:?}");
        }
        // Late attempts sit near the cap, early ones near the start.
        assert!(backoff_delay(0) <= FIRST_RETRY);
        // Full jitter: late attempts spread over the whole range up to the cap.
        let late: Vec<f64> = (0..400).map(|_| backoff_delay(30).as_secs_f64()).collect();
        let mean = late.iter().sum::<f64>() / late.len() as f64;
        let cap = RETRY_CAP.as_secs_f64();
        assert!((0.4 * cap..0.6 * cap).contains(&mean), "mean {mean}");
        assert!(late.iter().any(|d| *d < 0.2 * cap) && late.iter().any(|d| *d > 0.8 * cap));
    }

    mod properties {
        use super::*;
        use crate::portal::error_for_status;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn every_delay_is_within_the_bounds(attempt in any::<u32>()) {
                let d = backoff_delay(attempt);
                prop_assert!(d >= MIN_RETRY && d <= RETRY_CAP);
            }

            #[test]
            fn delays_do_not_shrink_on_average_as_attempts_grow(attempt in 0u32..40) {
                // Jitter makes single draws noisy; the mean of many must not fall.
                let mean = |a: u32| (0..256).map(|_| backoff_delay(a).as_secs_f64()).sum::<f64>() / 256.0;
                prop_assert!(mean(attempt + 1) * 1.25 + 0.2 >= mean(attempt));
            }

            #[test]
            fn statuses_are_classified_park_or_retry(status in 400u16..600, attempt in 0u32..100) {
                let decision = decide(&Err(error_for_status(status, None, None)), attempt);
                let transient = status >= 500 || status == 408 || status == 429;
                prop_assert_eq!(matches!(decision, Decision::RetryAfter { .. }), transient);
                prop_assert_eq!(matches!(decision, Decision::Park { .. }), !transient);
            }

            #[test]
            fn retry_after_is_never_shortened(secs in 0u64..600, attempt in 0u32..100) {
                let after = Duration::from_secs(secs);
                match decide(&Err(error_for_status(429, Some(after), None)), attempt) {
                    Decision::RetryAfter { delay, .. } => prop_assert!(delay >= after.min(RETRY_CAP)),
                    other => prop_assert!(false, "expected a retry, got {:?}", other),
                }
            }
        }
    }
}
