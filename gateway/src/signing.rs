//! Signing the application for compensation with a one-time code (Rules item 8): the code goes
//! to the registered phone bound to the application's digest; the right code earns a proof the
//! queued supplier choice carries. The gateway accepts the choice only if the proof is for
//! that person and the digest of exactly the bytes that arrived. An application signed with
//! the national ID card instead is verified in `card::application`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use komek_api::{
    ApplicationSignature, ErrorCode, OtpChallenge, OtpVerify, SignOtpRequest, SignatureProof,
    SupplierChoice,
};
use rusqlite::{OptionalExtension, Transaction, params};
use uuid::Uuid;

use crate::AppState;
use crate::auth::{mask_iin, session_iin};
use crate::card::{Roots, verify_application};
use crate::challenge::{self, Binding, Purpose};
use crate::error::Refusal;
use crate::proof::{self, Proven};

fn is_digest(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[utoipa::path(post, path = "/v1/me/application/sign/otp", request_body = SignOtpRequest,
    responses((status = 200, body = OtpChallenge), (status = 401), (status = 422, body = komek_api::ApiError),
              (status = 429, body = komek_api::ApiError)))]
pub async fn request_sign_otp(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<SignOtpRequest>,
) -> Result<Json<OtpChallenge>, Refusal> {
    let conn = state.db.lock();
    let iin = session_iin(&conn, &headers)?;
    if !is_digest(&req.digest) {
        return Err(crate::actions::invalid(
            "the digest must be SHA-256 in lower-case hex",
        ));
    }
    let phone: Option<String> = conn
        .query_row(
            "SELECT phone FROM participants WHERE iin = ?1",
            params![iin],
            |r| r.get(0),
        )
        .optional()?;
    let phone = phone.ok_or_else(Refusal::unauthorized)?;
    let challenge = challenge::issue(
        &conn,
        &iin,
        "",
        &phone,
        Binding::Sign {
            digest: &req.digest,
        },
        state.config.dev_endpoints,
    )?;
    Ok(Json(challenge))
}

#[utoipa::path(post, path = "/v1/me/application/sign/otp/verify", request_body = OtpVerify,
    responses((status = 200, body = SignatureProof), (status = 401, body = komek_api::ApiError),
              (status = 410, body = komek_api::ApiError)))]
pub async fn verify_sign_otp(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(req): Json<OtpVerify>,
) -> Result<Json<SignatureProof>, Refusal> {
    let mut conn = state.db.lock();
    let iin = session_iin(&conn, &headers)?;
    let digest: Option<String> = conn
        .query_row(
            "SELECT sign_digest FROM otp_challenges WHERE id = ?1",
            params![req.challenge_id.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let digest = digest.ok_or_else(|| {
        Refusal::new(
            StatusCode::GONE,
            ErrorCode::ChallengeExpired,
            "unknown challenge",
        )
    })?;
    let (_, tx) = challenge::redeem(
        &mut conn,
        req.challenge_id,
        &req.code,
        Purpose::Sign {
            iin: &iin,
            digest: &digest,
        },
    )?;
    // Valid as long as a grant: the application may wait that long in the kiosk's outbox.
    let expires_at = Utc::now() + state.config.grant_lifetime;
    let proof = proof::mint(&tx, &iin, Proven::Digest(&digest), expires_at)?;
    tx.commit()?;
    tracing::info!(iin = %mask_iin(&iin), "application signed with a one-time code");
    Ok(Json(SignatureProof {
        proof,
        digest,
        expires_at,
    }))
}

/// Checks the signature of `choice` by `iin` (the grant's holder), confirmed at
/// `confirmed_at`: it must cover the digest of these very fields. A one-time code's proof is
/// spent; a card's signature is kept with the order of `key`.
pub fn spend_signature(
    tx: &Transaction<'_>,
    key: Uuid,
    roots: &Roots,
    iin: &str,
    choice: &SupplierChoice,
    confirmed_at: DateTime<Utc>,
) -> Result<(), Refusal> {
    let proof = match &choice.signature {
        Some(ApplicationSignature::OneTimeCode { proof }) => Some(proof.as_str()),
        Some(ApplicationSignature::Card(signature)) => {
            return verify_application(tx, key, roots, iin, choice, signature, confirmed_at);
        }
        None => None,
    };
    proof::spend(tx, proof, iin, Proven::Digest(&choice.digest()))?.map_err(|why| {
        crate::actions::invalid(&format!("the application is not signed: {}", why.reason()))
    })
}
