//! Acting for another person (Rules item 2.9): who represents whom, the check every read and
//! action acting for someone goes through, and the list of a representative's principals.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use komek_api::{ACTING_FOR_HEADER, ErrorCode, Principal, Relation};
use rusqlite::{Connection, OptionalExtension, params};

use crate::AppState;
use crate::auth::{mask_iin, session_iin};
use crate::demo::Participant;
use crate::error::Refusal;
use crate::participant::load_participant;

pub fn not_representative() -> Refusal {
    Refusal::new(
        StatusCode::FORBIDDEN,
        ErrorCode::NotRepresentative,
        "the logged-in person does not represent this IIN",
    )
}

/// How `representative` may act for `principal`, if at all.
pub fn relation(
    conn: &Connection,
    representative: &str,
    principal: &str,
) -> Result<Option<Relation>, Refusal> {
    let text: Option<String> = conn
        .query_row(
            "SELECT relation FROM representations
             WHERE representative_iin = ?1 AND principal_iin = ?2",
            params![representative, principal],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text.map(|t| crate::db::enum_from_text(&t)).transpose()?)
}

/// Refuses with `not_representative` unless `actor` represents `principal`. Acting for
/// oneself is not representation: the kiosk names a principal only when acting for one.
pub fn check(conn: &Connection, actor: &str, principal: &str) -> Result<(), Refusal> {
    if relation(conn, actor, principal)?.is_some() {
        Ok(())
    } else {
        tracing::info!(
            actor = %mask_iin(actor),
            principal = %mask_iin(principal),
            "acting for someone not represented refused"
        );
        Err(not_representative())
    }
}

/// Whose data a session read answers: the session person's own, or, with `Acting-For`, their
/// principal's once the representation is checked.
pub fn reader_iin(conn: &Connection, headers: &HeaderMap) -> Result<String, Refusal> {
    let iin = session_iin(conn, headers)?;
    let Some(value) = headers.get(ACTING_FOR_HEADER) else {
        return Ok(iin);
    };
    let principal = value
        .to_str()
        .map_err(|_| Refusal::bad_request("Acting-For must be an IIN"))?
        .trim();
    check(conn, &iin, principal)?;
    Ok(principal.to_string())
}

/// "Surname Given Patronymic", as on the person's record.
pub fn full_name(p: &Participant) -> String {
    [Some(&p.surname), Some(&p.given_name), p.patronymic.as_ref()]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

#[utoipa::path(get, path = "/v1/me/principals",
    responses((status = 200, body = Vec<Principal>), (status = 401)))]
pub async fn principals(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Principal>>, Refusal> {
    let conn = state.db.lock();
    let iin = session_iin(&conn, &headers)?;
    let mut stmt = conn.prepare(
        "SELECT principal_iin, relation FROM representations
         WHERE representative_iin = ?1 ORDER BY principal_iin",
    )?;
    let rows: Vec<(String, String)> = stmt
        .query_map(params![iin], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (principal, relation) in rows {
        // A relation to someone the portal has no record of cannot be acted on: left out.
        if let Some(p) = load_participant(&conn, &principal)? {
            out.push(Principal {
                full_name: full_name(&p),
                iin: p.iin,
                birth_date: p.birth_date,
                relation: crate::db::enum_from_text(&relation)?,
                category: p.category,
            });
        }
    }
    Ok(Json(out))
}
