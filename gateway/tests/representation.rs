//! Acting for another person (Rules item 2.9) over HTTP on the real binary: a representative
//! lists their principals, reads a principal's data with `Acting-For`, and acts for them; no
//! one reads or acts for a person they do not represent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use komek_api::{
    Action, ActionReceipt, Activity, ActivityStatus, ApiError, ContactChange, ErrorCode, Principal,
    Profile, Relation, SupplierChoice, Ticket,
};
use reqwest::StatusCode;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_representative_lists_the_people_they_act_for() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;

    let parent = login(&http, &gw, PARENT).await;
    let principals: Vec<Principal> = get_as(&http, &gw, &parent, "/v1/me/principals").await;
    assert_eq!(principals.len(), 1);
    let child = &principals[0];
    assert_eq!(child.iin, CHILD);
    assert_eq!(
        child.full_name, "Сейтқали Әлихан",
        "no patronymic, no extra space"
    );
    assert_eq!(child.relation, Relation::Parent, "a child under 18");
    assert_eq!(child.category, komek_api::ParticipantCategory::Disability);
    assert_eq!(child.birth_date.to_string(), "2017-09-12");

    let trustee = login(&http, &gw, TRUSTEE).await;
    let principals: Vec<Principal> = get_as(&http, &gw, &trustee, "/v1/me/principals").await;
    assert_eq!(principals.len(), 1);
    assert_eq!(
        (principals[0].iin.as_str(), principals[0].relation),
        (ELDERLY, Relation::Trustee)
    );
    assert_eq!(principals[0].full_name, "Омарова Бибігүл Қасымқызы");

    let other = login(&http, &gw, IIN).await;
    let none: Vec<Principal> = get_as(&http, &gw, &other, "/v1/me/principals").await;
    assert!(none.is_empty());

    let anonymous = http
        .get(format!("{}/v1/me/principals", gw.url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_representative_reads_the_principals_data_and_no_one_elses() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;

    let own: Vec<Activity> = get_as(&http, &gw, &parent, "/v1/me/activities").await;
    assert!(own.is_empty(), "the parent has no activities of her own");
    let answer = get_for(&http, &gw, &parent, CHILD, "/v1/me/activities").await;
    assert_eq!(answer.status(), StatusCode::OK);
    let childs: Vec<Activity> = answer.json().await.unwrap();
    assert!(!childs.is_empty());

    let answer = get_for(&http, &gw, &parent, CHILD, "/v1/me").await;
    assert_eq!(answer.status(), StatusCode::OK);
    let profile: Profile = answer.json().await.unwrap();
    assert_eq!(profile.iin, CHILD);
    let me: Profile = get_as(&http, &gw, &parent, "/v1/me").await;
    assert_eq!(me.iin, PARENT);

    let answer = get_for(&http, &gw, &parent, CHILD, "/v1/me/failure-requests").await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.json::<Vec<Ticket>>().await.unwrap().is_empty());

    // Someone she does not represent, herself named as a principal, and garbage: refused.
    for stranger in [IIN, PARENT, "not an iin"] {
        for path in ["/v1/me", "/v1/me/activities", "/v1/me/failure-requests"] {
            let answer = get_for(&http, &gw, &parent, stranger, path).await;
            assert_eq!(answer.status(), StatusCode::FORBIDDEN, "{stranger} {path}");
            let error: ApiError = answer.json().await.unwrap();
            assert_eq!(error.code, ErrorCode::NotRepresentative);
        }
    }
    // The child cannot read his mother's data by naming her.
    let child = login(&http, &gw, CHILD).await;
    let answer = get_for(&http, &gw, &child, PARENT, "/v1/me").await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}

/// The child's open supplier choice, and an order for it at a supplier's price.
async fn order_for_child(
    http: &Kiosk,
    gw: &Gateway,
    session: &komek_api::LoginSession,
) -> (String, SupplierChoice) {
    let activities: Vec<Activity> = get_for(http, gw, session, CHILD, "/v1/me/activities")
        .await
        .json()
        .await
        .unwrap();
    let activity = activities
        .iter()
        .find(|a| a.status == ActivityStatus::AwaitingChoice)
        .expect("the demo child has a supplier to choose");
    (
        activity.id.clone(),
        first_offer_for(http, gw, activity).await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_for_a_principal_is_applied_to_them_and_records_who_did_it() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let parent = login(&http, &gw, PARENT).await;
    let (activity_id, mut choice) = order_for_child(&http, &gw, &parent).await;
    // The representative signs: the code goes to her own phone.
    sign(&http, &gw, &parent, &mut choice).await;

    // For a stranger: refused, and not recorded under the key.
    let mut body = submission(&parent, Action::SupplierChoice(choice.clone()));
    body.acting_for = Some(IIN.into());
    body.assistant_present = true;
    let key = Uuid::now_v7();
    let (status, text) = post_action(&http, &gw.url, key, &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    let error: ApiError = serde_json::from_str(&text).unwrap();
    assert_eq!(error.code, ErrorCode::NotRepresentative);
    let db = gw.read_db();
    let recorded: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM actions WHERE idempotency_key = ?1",
            [key.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, 0);

    // For her son, with an assistant present: applied to him.
    body.acting_for = Some(CHILD.into());
    let key = Uuid::now_v7();
    let (status, text) = post_action(&http, &gw.url, key, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let receipt: ActionReceipt = serde_json::from_str(&text).unwrap();
    assert!(receipt.reference.starts_with("SP-"));
    let activities: Vec<Activity> = get_for(&http, &gw, &parent, CHILD, "/v1/me/activities")
        .await
        .json()
        .await
        .unwrap();
    let activity = activities.iter().find(|a| a.id == activity_id).unwrap();
    assert_eq!(activity.status, ActivityStatus::ApplicationSigned);
    let (actor, principal, assistant) = actor_of(&db, key);
    assert_eq!(
        (actor.as_str(), principal.as_str(), assistant),
        (PARENT, CHILD, true)
    );
    let order_for: String = db
        .query_row(
            "SELECT participant_iin FROM orders WHERE idempotency_key = ?1",
            [key.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(order_for, CHILD);

    // An action for oneself records the person as both, and no assistant.
    let own = submission(
        &parent,
        Action::ContactChange(ContactChange {
            phone: None,
            phone_proof: None,
            email: Some("aigerim.new@example.com".into()),
        }),
    );
    let key = Uuid::now_v7();
    let (status, text) = post_action(&http, &gw.url, key, &own).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let (actor, principal, assistant) = actor_of(&db, key);
    assert_eq!(
        (actor.as_str(), principal.as_str(), assistant),
        (PARENT, PARENT, false)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trustee_changes_the_principals_contacts_not_their_own() {
    let gw = start();
    let http = Kiosk::enrolled(&gw).await;
    let trustee = login(&http, &gw, TRUSTEE).await;
    let mut body = submission(
        &trustee,
        Action::ContactChange(ContactChange {
            phone: None,
            phone_proof: None,
            email: Some("omarova.family@example.com".into()),
        }),
    );
    body.acting_for = Some(ELDERLY.into());
    let (status, text) = post_action(&http, &gw.url, Uuid::now_v7(), &body).await;
    assert_eq!(status, StatusCode::CREATED, "{text}");
    let hers: Profile = get_for(&http, &gw, &trustee, ELDERLY, "/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(hers.email.as_deref(), Some("omarova.family@example.com"));
    let his: Profile = get_as(&http, &gw, &trustee, "/v1/me").await;
    assert_eq!(his.email, None);

    // She does not represent him back.
    let elderly = login(&http, &gw, ELDERLY).await;
    let mut back = submission(
        &elderly,
        Action::ContactChange(ContactChange {
            phone: None,
            phone_proof: None,
            email: Some("x@example.com".into()),
        }),
    );
    back.acting_for = Some(TRUSTEE.into());
    let (status, _) = post_action(&http, &gw.url, Uuid::now_v7(), &back).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Who did the action under `key`, for whom, and whether an assistant was present.
fn actor_of(db: &rusqlite::Connection, key: Uuid) -> (String, String, bool) {
    db.query_row(
        "SELECT actor_iin, principal_iin, assistant_present FROM action_actors
         WHERE idempotency_key = ?1",
        [key.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}
