//! Who an action is by and for: the grant's holder, the person they act for, or nobody for a
//! failure reported without logging in; and the record of it kept with each applied action.

use komek_api::{Action, ActionSubmission, FailureRequest};
use rusqlite::{Transaction, params};
use uuid::Uuid;

use crate::auth::grant_iin;
use crate::devices::KioskDevice;
use crate::error::Refusal;

/// Who an action is by and for: the grant's holder, and the person it is applied to (the
/// same person unless the holder acts for someone they represent).
pub struct Actor {
    pub actor: String,
    pub principal: String,
}

pub enum Authority<'a> {
    Person(Actor),
    /// A failure reported without logging in (Rules item 15), with a phone to call back.
    Anonymous(&'a FailureRequest),
}

/// The authority of a submission: its grant and, with `acting_for`, the representation; or
/// none at all for a failure request with an empty grant and a contact phone.
pub fn authority<'a>(
    tx: &Transaction<'_>,
    submission: &'a ActionSubmission,
    device: &KioskDevice,
) -> Result<Authority<'a>, Refusal> {
    if let Action::FailureRequest(request) = &submission.action {
        let has_phone = request
            .contact_phone
            .as_deref()
            .is_some_and(|p| !p.trim().is_empty());
        if submission.grant.is_empty() && submission.acting_for.is_none() && has_phone {
            return Ok(Authority::Anonymous(request));
        }
    }
    let actor = grant_iin(tx, &submission.grant, &device.kiosk_id)?;
    let principal = match &submission.acting_for {
        Some(principal) => {
            crate::representation::check(tx, &actor, principal)?;
            principal.clone()
        }
        None => actor.clone(),
    };
    Ok(Authority::Person(Actor { actor, principal }))
}

/// Records who did an applied action, in its transaction.
pub fn record_actor(
    tx: &Transaction<'_>,
    key: Uuid,
    who: Option<&Actor>,
    assistant_present: bool,
) -> Result<(), Refusal> {
    tx.execute(
        "INSERT INTO action_actors
             (idempotency_key, actor_iin, principal_iin, assistant_present, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            key.to_string(),
            who.map(|w| w.actor.as_str()),
            who.map(|w| w.principal.as_str()),
            assistant_present,
            crate::db::ts(chrono::Utc::now())
        ],
    )?;
    Ok(())
}
