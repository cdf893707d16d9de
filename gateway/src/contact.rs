//! Changing the phone on record (Rules item 6): a code goes to the new number, the right code
//! earns a proof, and the queued contact change carries the proof. So a number is never
//! replaced by one the person cannot receive codes on, while the change itself can wait in the
//! kiosk's outbox like every action.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use komek_api::{ErrorCode, OtpChallenge, OtpVerify, PhoneOtpRequest, PhoneProof};
use rusqlite::Transaction;

use crate::AppState;
use crate::auth::{mask_iin, session_iin};
use crate::challenge::{self, Purpose};
use crate::error::Refusal;
use crate::proof::{self, Proven};

#[utoipa::path(post, path = "/v1/me/phone/otp", request_body = PhoneOtpRequest,
    responses((status = 200, body = OtpChallenge), (status = 401), (status = 422, body = komek_api::ApiError),
              (status = 429, body = komek_api::ApiError)))]
pub async fn request_phone_otp(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<PhoneOtpRequest>,
) -> Result<Json<OtpChallenge>, Refusal> {
    let conn = state.db.lock();
    let iin = session_iin(&conn, &headers)?;
    if !komek_domain::is_phone_number(&req.phone) {
        return Err(Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidAction,
            "the phone must be +7 and ten digits",
        ));
    }
    // The code proves the number; it carries no device binding, the proof is bound to the IIN.
    let challenge = challenge::issue(
        &conn,
        &iin,
        "",
        &req.phone,
        challenge::Binding::NewPhone,
        state.config.dev_endpoints,
    )?;
    Ok(Json(challenge))
}

#[utoipa::path(post, path = "/v1/me/phone/otp/verify", request_body = OtpVerify,
    responses((status = 200, body = PhoneProof), (status = 401, body = komek_api::ApiError),
              (status = 410, body = komek_api::ApiError)))]
pub async fn verify_phone_otp(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<OtpVerify>,
) -> Result<Json<PhoneProof>, Refusal> {
    let mut conn = state.db.lock();
    let iin = session_iin(&conn, &headers)?;
    let (who, tx) = challenge::redeem(
        &mut conn,
        req.challenge_id,
        &req.code,
        Purpose::NewPhone { iin: &iin },
    )?;
    let phone = who.new_phone.ok_or_else(|| {
        Refusal::new(
            StatusCode::GONE,
            ErrorCode::ChallengeExpired,
            "unknown challenge",
        )
    })?;
    // Valid as long as a grant: the change may wait that long in the kiosk's outbox.
    let expires_at = Utc::now() + state.config.grant_lifetime;
    let proof = proof::mint(&tx, &iin, Proven::Phone(&phone), expires_at)?;
    tx.commit()?;
    tracing::info!(iin = %mask_iin(&iin), "new phone proven");
    Ok(Json(PhoneProof {
        proof,
        phone,
        expires_at,
    }))
}

/// Spends a proof that `iin` received a code on `phone`; refused if it is unknown, for
/// another person or number, expired, or already spent.
pub fn spend_proof(
    tx: &Transaction<'_>,
    proof: Option<&str>,
    iin: &str,
    phone: &str,
) -> Result<(), Refusal> {
    proof::spend(tx, proof, iin, Proven::Phone(phone))?.map_err(|why| {
        Refusal::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidAction,
            format!("the new phone is not confirmed: {}", why.reason()),
        )
    })
}
