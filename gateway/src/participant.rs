//! A logged-in participant's own data, and the public catalogue.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use komek_api::{Activity, Catalogue, CatalogueItem, ErrorCode, Profile, StatusChange, Supplier};
use rusqlite::{Connection, OptionalExtension, params};

use crate::AppState;
use crate::demo::Participant;
use crate::error::Refusal;
use crate::representation::reader_iin;

pub fn load_participant(conn: &Connection, iin: &str) -> Result<Option<Participant>, Refusal> {
    let body: Option<String> = conn
        .query_row(
            "SELECT body FROM participants WHERE iin = ?1",
            params![iin],
            |r| r.get(0),
        )
        .optional()?;
    Ok(body.map(|b| serde_json::from_str(&b)).transpose()?)
}

/// The activity with its current status, if it belongs to `iin`.
pub fn load_activity(conn: &Connection, iin: &str, id: &str) -> Result<Option<Activity>, Refusal> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT body, status FROM activities WHERE id = ?1 AND participant_iin = ?2",
            params![id, iin],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(body, status)| {
        let mut activity: Activity = serde_json::from_str(&body)?;
        activity.status = crate::db::enum_from_text(&status)?;
        activity.history = load_history(conn, id)?;
        Ok(activity)
    })
    .transpose()
}

/// The statuses an activity has had, oldest first.
pub fn load_history(conn: &Connection, activity_id: &str) -> Result<Vec<StatusChange>, Refusal> {
    let mut stmt = conn.prepare(
        "SELECT status, on_date FROM activity_events WHERE activity_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(params![activity_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(status, on)| {
            Ok(StatusChange {
                status: crate::db::enum_from_text(&status)?,
                on: on.parse().map_err(|e| {
                    Refusal::from(crate::GatewayError::StoredTime(format!("{on}: {e}")))
                })?,
            })
        })
        .collect()
}

#[utoipa::path(get, path = "/v1/me",
    params(("Acting-For" = Option<String>, Header, description = "a principal's IIN: their data")),
    responses((status = 200, body = Profile), (status = 401),
              (status = 403, body = komek_api::ApiError)))]
pub async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Profile>, Refusal> {
    let conn = state.db.lock();
    let iin = reader_iin(&conn, &headers)?;
    let p = load_participant(&conn, &iin)?.ok_or_else(Refusal::unauthorized)?;
    Ok(Json(Profile {
        iin: p.iin,
        surname: p.surname,
        given_name: p.given_name,
        patronymic: p.patronymic,
        birth_date: p.birth_date,
        sex: p.sex,
        category: p.category,
        region: p.region,
        address: p.address,
        phone: p.phone,
        email: p.email,
        id_document: p.id_document,
    }))
}

#[utoipa::path(get, path = "/v1/me/activities",
    params(("Acting-For" = Option<String>, Header, description = "a principal's IIN: their data")),
    responses((status = 200, body = Vec<Activity>), (status = 401),
              (status = 403, body = komek_api::ApiError)))]
pub async fn activities(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<Activity>>, Refusal> {
    let conn = state.db.lock();
    let iin = reader_iin(&conn, &headers)?;
    let mut stmt =
        conn.prepare("SELECT id FROM activities WHERE participant_iin = ?1 ORDER BY id")?;
    let ids: Vec<String> = stmt
        .query_map(params![iin], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(a) = load_activity(&conn, &iin, &id)? {
            out.push(a);
        }
    }
    Ok(Json(out))
}

pub fn load_catalogue(conn: &Connection) -> Result<Catalogue, Refusal> {
    let bodies = |sql: &str| -> Result<Vec<String>, rusqlite::Error> {
        let mut stmt = conn.prepare(sql)?;
        stmt.query_map([], |r| r.get(0))?.collect()
    };
    let items = bodies("SELECT body FROM catalogue_items ORDER BY id")?
        .iter()
        .map(|b| serde_json::from_str::<CatalogueItem>(b))
        .collect::<Result<_, _>>()?;
    let suppliers = bodies("SELECT body FROM suppliers ORDER BY id")?
        .iter()
        .map(|b| serde_json::from_str::<Supplier>(b))
        .collect::<Result<_, _>>()?;
    Ok(Catalogue { items, suppliers })
}

#[utoipa::path(get, path = "/v1/catalogue", responses((status = 200, body = Catalogue)))]
pub async fn catalogue(State(state): State<AppState>) -> Result<Json<Catalogue>, Refusal> {
    let conn = state.db.lock();
    let catalogue = load_catalogue(&conn)?;
    if catalogue.items.is_empty() {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            "the catalogue has not been loaded",
        ));
    }
    Ok(Json(catalogue))
}
