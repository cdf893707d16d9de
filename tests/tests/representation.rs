#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Acting for someone, the proactive offer and a failure reported without logging in, each
//! from the kiosk's core to the real gateway binary on its own SQLite file: a parent orders
//! and reports a failure for her child with an assistant present; she answers her own offer,
//! also while acting for the child; a stranger's report waits out a gateway outage and
//! arrives with no participant, and one without a phone is parked, not retried.

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use komek_api::{FailureProblem, FailureRequest};
use komek_domain::calendar::WorkCalendar;
use komek_domain::offer::OfferStatus;
use komek_domain::{ActivityStatus, Order, Relation};
use komek_e2e::kiosk::KioskCore;
use komek_e2e::{GatewayProcess, free_port, wait_until};
use komek_kiosk_core::core::{AnonymousReportError, Core, OfferReply, Visit};
use komek_kiosk_core::store::ActionState;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use uuid::Uuid;

/// Сейтқали Айгерім, the `parent` of Әлихан; no activities of her own; one proactive offer.
const PARENT: &str = "910418413194";
/// Сейтқали Әлихан, 9: IPR activities, one awaiting a supplier choice.
const CHILD: &str = "170912500976";
const OFFER: &str = "po-home-education-0001";
const KASPI: &str = "acc-kaspi-7360";
const HALYK: &str = "acc-halyk-4821";
const CALLBACK_PHONE: &str = "+77015550000";

/// The gateway's own database, read-only, beside the running process.
fn gateway_db(path: &Path) -> Connection {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()
}

/// (actor_iin, principal_iin, assistant_present) the gateway recorded for an applied action.
fn actor_of(db: &Path, key: Uuid) -> Option<(Option<String>, Option<String>, i64)> {
    gateway_db(db)
        .query_row(
            "SELECT actor_iin, principal_iin, assistant_present FROM action_actors
             WHERE idempotency_key = ?1",
            [key.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .unwrap()
}

fn offer_status(db: &Path) -> String {
    gateway_db(db)
        .query_row("SELECT status FROM offers WHERE id = ?1", [OFFER], |r| {
            r.get(0)
        })
        .unwrap()
}

/// The date in Astana, which the portal's rules count in.
fn astana_today() -> chrono::NaiveDate {
    komek_domain::astana::date_on(Utc::now())
}

/// Waits for the outbox row `id` to be delivered and returns the portal's reference.
fn delivered(core: &Core, id: Uuid) -> String {
    let settled = wait_until(Duration::from_secs(30), || {
        core.action(id)
            .is_some_and(|q| q.state != ActionState::Pending)
    });
    let row = core.action(id).unwrap();
    assert!(settled, "still pending: {:?}", row.last_error);
    assert_eq!(row.state, ActionState::Delivered, "{:?}", row.last_error);
    row.reference.expect("a delivered action has a reference")
}

/// The visit of `PARENT` turned to acting for `CHILD`, with the child's programme loaded.
fn act_for_child(kiosk: &KioskCore, visit: &mut Visit) {
    let child = visit
        .principals
        .iter()
        .find(|p| p.iin.digits() == CHILD)
        .cloned()
        .expect("the child among the principals");
    let token = Core::session_token(visit);
    let programme = kiosk
        .runtime
        .block_on(kiosk.core.programme(&token, Some(child)))
        .unwrap();
    Core::act_for(visit, programme);
}

#[test]
fn a_parent_orders_for_her_child_with_an_assistant_and_the_gateway_records_who_did_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let gateway = GatewayProcess::start(&db, free_port().unwrap()).unwrap();
    let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let (core, runtime) = (&kiosk.core, &kiosk.runtime);

    let mut visit = kiosk.log_in(PARENT).unwrap();
    assert_eq!(visit.iin.digits(), PARENT);
    assert_eq!(visit.profile.name.given_name, "Айгерім");
    assert!(
        visit.activities.is_empty(),
        "the parent has no activities of her own"
    );
    assert!(visit.acting_for.is_none());
    let principals: Vec<(String, Relation)> = visit
        .principals
        .iter()
        .map(|p| (p.iin.digits(), p.relation))
        .collect();
    assert_eq!(principals, [(CHILD.to_string(), Relation::Parent)]);
    assert!(
        visit.principals[0].full_name.contains("Әлихан"),
        "{}",
        visit.principals[0].full_name
    );

    // She acts for her son: the visit shows his profile and his programme.
    act_for_child(&kiosk, &mut visit);
    assert_eq!(
        visit.acting_for.as_ref().map(|p| p.iin.digits()).as_deref(),
        Some(CHILD)
    );
    assert_eq!(visit.iin.digits(), PARENT, "still logged in as the parent");
    assert_eq!(visit.profile.name.given_name, "Әлихан");
    assert_eq!(visit.profile.patronymic, None);
    let mut shown: Vec<String> = visit.activities.iter().map(|a| a.id.clone()).collect();
    shown.sort();
    let mut his: Vec<String> = gateway_db(&db)
        .prepare("SELECT id FROM activities WHERE participant_iin = ?1 ORDER BY id")
        .unwrap()
        .query_map([CHILD], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    his.sort();
    assert!(!his.is_empty());
    assert_eq!(shown, his, "the visit shows exactly the child's activities");
    visit.assistant_present = true;

    // An order for one of his activities, signed with the code sent to the parent.
    let (catalogue, _) = runtime.block_on(core.catalogue()).expect("catalogue");
    let today = astana_today();
    let activity = visit
        .activities
        .iter()
        .find(|a| a.can_choose_supplier(today))
        .expect("an activity of the child awaiting a choice")
        .clone();
    let choice = catalogue
        .choices_for(&activity)
        .into_iter()
        .next()
        .expect("a supplier");
    let order = Order::draw_up(&activity, &choice, today).unwrap();
    let signed = komek_e2e::kiosk::sign(core, runtime, &visit, &order).unwrap();
    assert_eq!(signed.activity_id(), activity.id);
    let signers: Vec<(String, i64)> = gateway_db(&db)
        .prepare("SELECT iin, used FROM signature_proofs")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        signers,
        [(PARENT.to_string(), 0)],
        "the signing code went to the parent"
    );

    let id = core
        .queue_application(&mut visit, &signed, Utc::now())
        .unwrap();
    let reference = delivered(core, id);
    assert!(reference.starts_with("SP-"), "{reference}");

    // The gateway knows who did it, for whom, and that an assistant was there.
    assert_eq!(
        actor_of(&db, id),
        Some((Some(PARENT.into()), Some(CHILD.into()), 1))
    );
    let (ordered_for, ordered_activity): (String, String) = gateway_db(&db)
        .query_row(
            "SELECT participant_iin, activity_id FROM orders WHERE idempotency_key = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (ordered_for.as_str(), ordered_activity.as_str()),
        (CHILD, activity.id.as_str())
    );
    let (stored_status, owner): (String, String) = gateway_db(&db)
        .query_row(
            "SELECT status, participant_iin FROM activities WHERE id = ?1",
            [&activity.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (stored_status.as_str(), owner.as_str()),
        ("application_signed", CHILD)
    );
    let spent: i64 = gateway_db(&db)
        .query_row(
            "SELECT used FROM signature_proofs WHERE iin = ?1",
            [PARENT],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(spent, 1, "the parent's signature was spent on the order");

    // A fresh login: the child's programme shows the application signed, the parent's none.
    let mut again = kiosk.log_in(PARENT).unwrap();
    assert!(again.activities.is_empty());
    act_for_child(&kiosk, &mut again);
    let now_signed = again
        .activities
        .iter()
        .find(|a| a.id == activity.id)
        .unwrap();
    assert_eq!(now_signed.status, ActivityStatus::ApplicationSigned);

    // His failure requests can be read while acting for him; one reported for him is his.
    let before = runtime
        .block_on(core.failure_requests(&visit))
        .expect("the child's failure requests are readable while acting for him");
    assert!(before.is_empty());
    let ticket = core
        .queue_failure_request(
            &visit,
            FailureRequest {
                problem: FailureProblem::WrongDataShown,
                description: String::new(),
                contact_phone: None,
                screenshot_png_base64: None,
                kiosk_diagnostics: None,
            },
            Utc::now(),
        )
        .unwrap();
    let tf = delivered(core, ticket);
    assert!(tf.starts_with("TF-"), "{tf}");
    let ticket_for: Option<String> = gateway_db(&db)
        .query_row(
            "SELECT participant_iin FROM tickets WHERE idempotency_key = ?1",
            [ticket.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ticket_for.as_deref(), Some(CHILD));
    assert_eq!(
        actor_of(&db, ticket),
        Some((Some(PARENT.into()), Some(CHILD.into()), 1))
    );
    let his_requests = runtime.block_on(core.failure_requests(&visit)).unwrap();
    let references: Vec<&str> = his_requests.iter().map(|v| v.reference.as_str()).collect();
    assert_eq!(references, [tf.as_str()]);
    assert_eq!(
        his_requests[0].problem,
        komek_domain::FailureProblem::WrongDataShown
    );
    let token = Core::session_token(&visit);
    let hers = runtime
        .block_on(core.failure_requests_by_token(&token, None))
        .expect("the parent's own list");
    assert!(hers.is_empty(), "the child's ticket is not the parent's");
}

#[test]
fn the_parent_answers_her_proactive_offer_herself_also_while_acting_for_her_child() {
    // Consent with an account, on her own.
    {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gateway.db");
        let gateway = GatewayProcess::start(&db, free_port().unwrap()).unwrap();
        let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
        let core = &kiosk.core;

        let mut visit = kiosk.log_in(PARENT).unwrap();
        assert_eq!(visit.offers.len(), 1);
        let offer = &visit.offers[0];
        assert_eq!(offer.id, OFFER);
        assert_eq!(offer.status, OfferStatus::AwaitingAnswer);
        let calendar = WorkCalendar::kazakhstan().unwrap();
        assert!(offer.awaits_answer(&calendar, Utc::now()));
        let accounts: Vec<&str> = offer.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(accounts, [HALYK, KASPI]);
        assert_eq!(offer_status(&db), "awaiting_answer");

        let id = core
            .queue_offer_answer(
                &mut visit,
                OFFER,
                OfferReply::Account(KASPI.into()),
                Utc::now(),
            )
            .unwrap();
        assert_eq!(
            visit.offers[0].status,
            OfferStatus::Accepted,
            "once queued, the visit's offer is answered"
        );
        let reference = delivered(core, id);
        assert!(reference.starts_with("PO-"), "{reference}");
        assert_eq!(offer_status(&db), "accepted");
        let (consent, account): (i64, Option<String>) = gateway_db(&db)
            .query_row(
                "SELECT consent, account_id FROM offer_answers WHERE idempotency_key = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((consent, account.as_deref()), (1, Some(KASPI)));
        assert_eq!(
            actor_of(&db, id),
            Some((Some(PARENT.into()), Some(PARENT.into()), 0))
        );

        let again = kiosk.log_in(PARENT).unwrap();
        assert_eq!(again.offers.len(), 1);
        assert_eq!(again.offers[0].status, OfferStatus::Accepted);
        assert!(!again.offers[0].awaits_answer(&calendar, Utc::now()));
    }

    // Consent without an account, given while she acts for her son: still her own answer.
    {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("gateway.db");
        let gateway = GatewayProcess::start(&db, free_port().unwrap()).unwrap();
        let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
        let core = &kiosk.core;

        let mut visit = kiosk.log_in(PARENT).unwrap();
        act_for_child(&kiosk, &mut visit);
        assert_eq!(visit.profile.name.given_name, "Әлихан");
        assert_eq!(visit.offers.len(), 1, "her offers stay with the visit");
        visit.assistant_present = true;

        let id = core
            .queue_offer_answer(&mut visit, OFFER, OfferReply::OpenAccount, Utc::now())
            .unwrap();
        // The gateway refuses an offer answer made on someone's behalf: delivery proves the
        // kiosk sent it as hers.
        let reference = delivered(core, id);
        assert!(reference.starts_with("PO-"), "{reference}");
        assert_eq!(offer_status(&db), "awaiting_account");
        assert_eq!(
            actor_of(&db, id),
            Some((Some(PARENT.into()), Some(PARENT.into()), 1))
        );

        let again = kiosk.log_in(PARENT).unwrap();
        assert_eq!(again.offers[0].status, OfferStatus::AwaitingAccount);
    }
}

#[test]
fn a_failure_reported_without_logging_in_waits_out_an_outage_and_one_without_a_phone_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gateway.db");
    let port = free_port().unwrap();
    let gateway = GatewayProcess::start(&db, port).unwrap();
    let kiosk = KioskCore::start(gateway.url(), &dir.path().join("kiosk")).unwrap();
    let core = &kiosk.core;

    gateway.kill().unwrap();
    let with_phone = core
        .queue_anonymous_failure_request(
            FailureRequest {
                problem: FailureProblem::CannotLogIn,
                description: "Код келмейді".into(),
                contact_phone: Some(CALLBACK_PHONE.into()),
                screenshot_png_base64: None,
                kiosk_diagnostics: None,
            },
            Utc::now(),
        )
        .unwrap();
    // Without a phone there is no one to call back and no login: not even queued.
    let counts = core.sync().outbox().counts().unwrap();
    for phone in [None, Some("+7701555"), Some("87015550000")] {
        let refused = core.queue_anonymous_failure_request(
            FailureRequest {
                problem: FailureProblem::CannotLogIn,
                description: String::new(),
                contact_phone: phone.map(Into::into),
                screenshot_png_base64: None,
                kiosk_diagnostics: None,
            },
            Utc::now(),
        );
        assert!(
            matches!(refused, Err(AnonymousReportError::NoPhone)),
            "{phone:?}: {refused:?}"
        );
    }
    assert_eq!(core.sync().outbox().counts().unwrap(), counts);
    assert!(wait_until(Duration::from_secs(10), || {
        core.action(with_phone).is_some_and(|q| q.attempts >= 1)
    }));
    let waiting = core.action(with_phone).unwrap();
    assert_eq!(waiting.state, ActionState::Pending);
    assert!(waiting.payload.is_some(), "it waits with its payload");
    assert_eq!(waiting.kind, "failure_request");

    // Back on the same database and port: the report arrives, with no one behind it.
    let _gateway = GatewayProcess::start(&db, port).unwrap();
    core.sync().wake();
    let reference = delivered(core, with_phone);
    assert!(reference.starts_with("TF-"), "{reference}");
    let (participant, phone, problem, stored_reference): (
        Option<String>,
        Option<String>,
        String,
        String,
    ) = gateway_db(&db)
        .query_row(
            "SELECT participant_iin, contact_phone, problem, reference FROM tickets
             WHERE idempotency_key = ?1",
            [with_phone.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(participant, None);
    assert_eq!(phone.as_deref(), Some(CALLBACK_PHONE));
    assert_eq!(problem, "cannot_log_in");
    assert_eq!(stored_reference, reference);
    assert_eq!(actor_of(&db, with_phone), Some((None, None, 0)));
}
