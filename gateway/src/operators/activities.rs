//! The portal's programme staff return an activity whose blocked choice was asked to be
//! activated to the person's queue (Rules item 10).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use komek_api::{Activity, ActivityStatus, ErrorCode, OperatorRole};
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::audit::{self, Actor, Entry};
use crate::error::Refusal;

#[utoipa::path(post, path = "/v1/operator/activities/{id}/reopen",
    params(("id" = String, Path, description = "the activity's id")),
    responses((status = 200, body = Activity), (status = 401), (status = 404),
              (status = 409, body = komek_api::ApiError)))]
/// Gives an activity whose activation was requested a new two-month window from today.
pub async fn reopen_activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Activity>, Refusal> {
    let operator = super::require(&state, &headers, OperatorRole::Programme)?;
    let mut conn = state.db.lock();
    let tx = conn.transaction()?;
    let row: Option<(String, String)> = tx
        .query_row(
            "SELECT body, status FROM activities WHERE id = ?1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((body, status)) = row else {
        return Err(Refusal::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such activity",
        ));
    };
    if status != crate::db::enum_text(ActivityStatus::ActivationRequested) {
        return Err(Refusal::new(
            StatusCode::CONFLICT,
            ErrorCode::InvalidTransition,
            "only an activity whose activation was requested can be reopened",
        ));
    }
    let mut activity: Activity = serde_json::from_str(&body)?;
    let today = komek_domain::astana::date_on(Utc::now());
    activity.notice_date = Some(today);
    activity.status = ActivityStatus::AwaitingChoice;
    activity.history.clear();
    tx.execute(
        "UPDATE activities SET body = ?2 WHERE id = ?1",
        params![id, serde_json::to_string(&activity)?],
    )?;
    crate::db::set_activity_status(&tx, &id, ActivityStatus::AwaitingChoice, today)?;
    activity.history = crate::participant::load_history(&tx, &id)?;
    audit::record(
        &tx,
        &Entry {
            actor: Actor::Operator(operator.0),
            action: "activity reopened",
            kiosk_id: None,
            detail: &id,
        },
        Utc::now(),
    )?;
    tx.commit()?;
    tracing::info!(activity = %id, "activity returned to the queue");
    Ok(Json(activity))
}
