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

/// Where a retry falls below its ceiling: a fraction in [0, 1), drawn by the caller so that
/// [`decide`] stays a pure function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jitter(f64);

impl Jitter {
    /// A fresh uniform draw, for the worker.
    pub fn draw() -> Jitter {
        Jitter(rand::random::<f64>())
    }

    /// `fraction` clamped into [0, 1).
    pub fn new(fraction: f64) -> Jitter {
        if fraction.is_nan() {
            return Jitter(0.0);
        }
        Jitter(fraction.clamp(0.0, 1.0 - f64::EPSILON))
    }
}

/// The ceiling of the delay before retry number `attempt` (0 for the first retry): doubling
/// from `FIRST_RETRY` (backon's exponential schedule) up to `RETRY_CAP`.
pub fn backoff_ceiling(attempt: u32) -> Duration {
    ExponentialBuilder::default()
        .with_min_delay(FIRST_RETRY)
        .with_max_delay(RETRY_CAP)
        .with_factor(2.0)
        .without_max_times()
        .build()
        .nth(usize::try_from(attempt).unwrap_or(usize::MAX).min(64))
        .unwrap_or(RETRY_CAP)
        .min(RETRY_CAP)
}

/// The delay before retry number `attempt`, with full jitter: `jitter` of the way up to the
/// ceiling, never under `MIN_RETRY`. A fleet of kiosks that come back online together spreads
/// out instead of knocking on the gateway in step.
pub fn backoff_delay(attempt: u32, jitter: Jitter) -> Duration {
    backoff_ceiling(attempt).mul_f64(jitter.0).max(MIN_RETRY)
}

pub fn decide(
    answer: &Result<ActionReceipt, PortalError>,
    attempt: u32,
    jitter: Jitter,
) -> Decision {
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
            delay: (*after).max(backoff_delay(attempt, jitter)).min(RETRY_CAP),
            reason: "throttled by the gateway".into(),
        },
        Err(e) => Decision::RetryAfter {
            delay: backoff_delay(attempt, jitter),
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

    const HALF: Jitter = Jitter(0.5);

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
            decide(&ok, 0, Jitter::new(0.5)),
            Decision::Delivered {
                reference: "SP-1".into()
            }
        );
    }

    #[test]
    fn client_errors_park_and_everything_else_retries() {
        assert!(matches!(
            decide(&refused(422, ErrorCode::InvalidAction), 0, HALF),
            Decision::Park { .. }
        ));
        assert!(matches!(
            decide(&refused(403, ErrorCode::GrantExpired), 3, HALF),
            Decision::Park { .. }
        ));
        assert!(matches!(
            decide(&refused(409, ErrorCode::IdempotencyConflict), 0, HALF),
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
                decide(&Err(transient), 0, HALF),
                Decision::RetryAfter { .. }
            ));
        }
    }

    #[test]
    fn a_refusal_of_the_kiosk_itself_waits_rather_than_sets_the_action_aside() {
        // Not enrolled yet, or revoked until an operator enrols it again: the action is not at
        // fault and must be delivered once the kiosk is known.
        for refusal in [
            refused(401, ErrorCode::UnknownDevice),
            refused(403, ErrorCode::DeviceRevoked),
        ] {
            assert!(matches!(
                decide(&refusal, 2, HALF),
                Decision::RetryAfter { .. }
            ));
        }
    }

    #[test]
    fn retry_after_is_honoured() {
        let throttled = Err(PortalError::Throttled {
            retry_after: Some(Duration::from_secs(42)),
        });
        match decide(&throttled, 0, HALF) {
            Decision::RetryAfter { delay, .. } => assert!(delay >= Duration::from_secs(42)),
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn ceilings_double_from_the_first_retry_up_to_the_cap() {
        let secs: Vec<u64> = (0..11).map(|a| backoff_ceiling(a).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(backoff_ceiling(u32::MAX), RETRY_CAP);
    }

    #[test]
    fn full_jitter_spans_the_floor_to_the_ceiling() {
        assert_eq!(backoff_delay(30, Jitter::new(0.0)), MIN_RETRY);
        assert_eq!(backoff_delay(30, Jitter::new(0.5)), RETRY_CAP / 2);
        assert!(backoff_delay(30, Jitter::new(1.0)) <= RETRY_CAP);
        assert!(backoff_delay(30, Jitter::new(1.0)) > RETRY_CAP.mul_f64(0.999));
        assert_eq!(
            backoff_delay(0, Jitter::new(0.5)),
            MIN_RETRY.max(FIRST_RETRY / 2)
        );
        assert_eq!(backoff_delay(3, Jitter::new(f64::NAN)), MIN_RETRY);
    }

    mod properties {
        use super::*;
        use crate::portal::error_for_status;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn every_delay_is_within_the_bounds(attempt in any::<u32>(), fraction in -1.0f64..2.0) {
                let d = backoff_delay(attempt, Jitter::new(fraction));
                prop_assert!(d >= MIN_RETRY && d <= RETRY_CAP);
            }

            #[test]
            fn delays_do_not_shrink_as_attempts_grow(attempt in 0u32..100, fraction in 0.0f64..1.0) {
                let jitter = Jitter::new(fraction);
                prop_assert!(backoff_ceiling(attempt + 1) >= backoff_ceiling(attempt));
                prop_assert!(backoff_delay(attempt + 1, jitter) >= backoff_delay(attempt, jitter));
            }

            #[test]
            fn statuses_are_classified_park_or_retry(status in 400u16..600, attempt in 0u32..100) {
                let decision = decide(&Err(error_for_status(status, None, None)), attempt, HALF);
                let transient = status >= 500 || status == 408 || status == 429;
                prop_assert_eq!(matches!(decision, Decision::RetryAfter { .. }), transient);
                prop_assert_eq!(matches!(decision, Decision::Park { .. }), !transient);
            }

            #[test]
            fn retry_after_is_never_shortened(secs in 0u64..600, attempt in 0u32..100) {
                let after = Duration::from_secs(secs);
                match decide(&Err(error_for_status(429, Some(after), None)), attempt, HALF) {
                    Decision::RetryAfter { delay, .. } => prop_assert!(delay >= after.min(RETRY_CAP)),
                    other => prop_assert!(false, "expected a retry, got {:?}", other),
                }
            }
        }
    }
}
