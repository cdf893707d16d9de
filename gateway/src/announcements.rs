//! The administrator's announcements (Rules item 14), served to everyone.

use axum::Json;
use axum::extract::State;
use komek_api::{Announcement, Announcements};
use rusqlite::{OptionalExtension, params};

use crate::AppState;
use crate::error::Refusal;

/// The settings key of the contact centre's phone.
pub const CONTACT_CENTRE_PHONE: &str = "contact_centre_phone";

#[utoipa::path(get, path = "/v1/announcements", responses((status = 200, body = Announcements)))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Announcements>, Refusal> {
    let conn = state.db.lock();
    let mut stmt = conn.prepare("SELECT body FROM announcements")?;
    let mut items = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|body| Ok(serde_json::from_str::<Announcement>(&body?)?))
        .collect::<Result<Vec<_>, Refusal>>()?;
    // Newest first.
    items.sort_by(|a, b| b.published_on.cmp(&a.published_on).then(a.id.cmp(&b.id)));
    let contact_centre_phone = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            params![CONTACT_CENTRE_PHONE],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    Ok(Json(Announcements {
        contact_centre_phone,
        items,
    }))
}
