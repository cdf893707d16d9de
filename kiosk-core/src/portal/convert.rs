//! Wire types to domain types. Kept apart so the domain never depends on the wire format.

use komek_api as api;

use crate::technician::{TechnicianSession, TechnicianStep};

use komek_domain::announcements::Announcements;
use komek_domain::failure_sla::{Finding, Timeline};
use komek_domain::offer::{BankAccount, OfferStatus, ProactiveOffer};
use komek_domain::{
    Activity, ActivityStatus, Catalogue, Category, FailureProblem, IdDocument, Iin, Item,
    ParticipantCategory, PersonName, Principal, Profile, Relation, Sex, Supplier, Text,
};

fn text(t: &api::LocalizedText) -> Text {
    Text::new(t.0.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

pub fn announcements_from_wire(a: &api::Announcements) -> Announcements {
    use komek_domain::announcements::{Announcement, AnnouncementKind as Kind};
    Announcements {
        contact_centre_phone: a.contact_centre_phone.clone(),
        items: a
            .items
            .iter()
            .map(|x| Announcement {
                id: x.id.clone(),
                kind: match x.kind {
                    api::AnnouncementKind::Maintenance => Kind::Maintenance,
                    api::AnnouncementKind::Failure => Kind::Failure,
                    api::AnnouncementKind::News => Kind::News,
                    api::AnnouncementKind::Question => Kind::Question,
                    api::AnnouncementKind::Instruction => Kind::Instruction,
                },
                title: text(&x.title),
                body: text(&x.body),
                published_on: x.published_on,
                starts_at: x.starts_at,
                ends_at: x.ends_at,
                planned_fix: x.planned_fix,
                video: x.video.clone(),
            })
            .collect(),
    }
}

fn participant_category(c: api::ParticipantCategory) -> ParticipantCategory {
    match c {
        api::ParticipantCategory::Disability => ParticipantCategory::Disability,
        api::ParticipantCategory::Elderly => ParticipantCategory::Elderly,
        api::ParticipantCategory::Representative => ParticipantCategory::Representative,
    }
}

/// Someone the person may act for; None when the gateway sent an IIN that is not one.
pub fn principal_from_wire(p: &api::Principal) -> Option<Principal> {
    Some(Principal {
        iin: Iin::parse(&p.iin).ok()?,
        full_name: p.full_name.clone(),
        birth_date: p.birth_date,
        relation: match p.relation {
            api::Relation::Parent => Relation::Parent,
            api::Relation::Guardian => Relation::Guardian,
            api::Relation::Trustee => Relation::Trustee,
        },
        category: participant_category(p.category),
    })
}

pub fn offer_from_wire(o: &api::ProactiveOffer) -> ProactiveOffer {
    ProactiveOffer {
        id: o.id.clone(),
        service: text(&o.service),
        child_name: o.child_name.clone(),
        sent_at: o.sent_at,
        answer_within_working_days: o.answer_within_working_days,
        accounts: o
            .accounts
            .iter()
            .map(|a| BankAccount {
                id: a.id.clone(),
                bank: a.bank.clone(),
                number_masked: a.number_masked.clone(),
            })
            .collect(),
        banks: o.banks.clone(),
        status: match o.status {
            api::OfferStatus::AwaitingAnswer => OfferStatus::AwaitingAnswer,
            api::OfferStatus::Accepted => OfferStatus::Accepted,
            api::OfferStatus::Refused => OfferStatus::Refused,
            api::OfferStatus::AwaitingAccount => OfferStatus::AwaitingAccount,
        },
        contact_centre: o.contact_centre.clone(),
    }
}

pub fn profile_from_wire(p: &api::Profile) -> Profile {
    Profile {
        name: PersonName {
            surname: p.surname.clone(),
            given_name: p.given_name.clone(),
        },
        patronymic: p.patronymic.clone(),
        birth_date: p.birth_date,
        sex: match p.sex {
            api::Sex::Male => Sex::Male,
            api::Sex::Female => Sex::Female,
        },
        address: p.address.clone(),
        phone: p.phone.clone(),
        email: p.email.clone(),
        region: p.region.clone(),
        category: participant_category(p.category),
        id_document: IdDocument {
            number: p.id_document.number.clone(),
            issuer: p.id_document.issuer.clone(),
            issued_on: p.id_document.issued_on,
            expires_on: p.id_document.expires_on,
        },
    }
}

fn category(c: api::Category) -> Category {
    match c {
        api::Category::ProstheticOrthopaedic => Category::ProstheticOrthopaedic,
        api::Category::Hearing => Category::Hearing,
        api::Category::Vision => Category::Vision,
        api::Category::Hygiene => Category::Hygiene,
        api::Category::Mobility => Category::Mobility,
        api::Category::SignLanguage => Category::SignLanguage,
        api::Category::IndividualAssistant => Category::IndividualAssistant,
        api::Category::Sanatorium => Category::Sanatorium,
        api::Category::SocialServicesHome => Category::SocialServicesHome,
        api::Category::SocialServicesDaycare => Category::SocialServicesDaycare,
    }
}

fn status(s: api::ActivityStatus) -> ActivityStatus {
    match s {
        api::ActivityStatus::AwaitingChoice => ActivityStatus::AwaitingChoice,
        api::ActivityStatus::SupplierChosen => ActivityStatus::SupplierChosen,
        api::ActivityStatus::ApplicationSigned => ActivityStatus::ApplicationSigned,
        api::ActivityStatus::InDelivery => ActivityStatus::InDelivery,
        api::ActivityStatus::Realised => ActivityStatus::Realised,
        api::ActivityStatus::ChoiceBlocked => ActivityStatus::ChoiceBlocked,
        api::ActivityStatus::ActivationRequested => ActivityStatus::ActivationRequested,
        api::ActivityStatus::Cancelled => ActivityStatus::Cancelled,
    }
}

pub fn activity_from_wire(a: &api::Activity) -> Activity {
    Activity {
        id: a.id.clone(),
        category: category(a.category),
        title: text(&a.title),
        quantity: a.quantity,
        programme_date: a.programme_date,
        notice_date: a.notice_date,
        term_until: a.term_until,
        status: status(a.status),
        matching_items: a.matching_items.clone(),
        history: a.history.iter().map(|c| (status(c.status), c.on)).collect(),
    }
}

pub fn catalogue_from_wire(c: &api::Catalogue) -> Catalogue {
    Catalogue {
        items: c
            .items
            .iter()
            .map(|i| Item {
                id: i.id.clone(),
                category: category(i.category),
                name: text(&i.name),
                description: text(&i.description),
                unit: text(&i.unit),
                characteristics: i
                    .characteristics
                    .iter()
                    .map(|c| (text(&c.label), text(&c.value)))
                    .collect(),
                guaranteed_amount_kzt: i.guaranteed_amount_kzt,
            })
            .collect(),
        suppliers: c
            .suppliers
            .iter()
            .map(|s| Supplier {
                id: s.id.clone(),
                name: s.name.clone(),
                town: text(&s.town),
                address: text(&s.address),
                phone: s.phone.clone(),
                region: s.region.clone(),
                directions: s.directions.iter().map(|c| category(*c)).collect(),
                offers: s
                    .offers
                    .iter()
                    .map(|o| (o.item_id.clone(), o.price_kzt, o.delivery_days))
                    .collect(),
            })
            .collect(),
    }
}

/// A ticket's events as the SLA clock's timeline: it runs from the moment the contact centre
/// received the request; confirmation by the analysis and escalation are separate steps.
/// A failure report's problem, as the gateway names it.
/// A technician's session as the gateway opened it.
pub fn technician_session_from_wire(session: api::TechnicianSession) -> TechnicianSession {
    TechnicianSession::new(session.token, session.technician_id, session.expires_at)
}

/// A step of technician mode in the audit log's words.
pub fn technician_step_to_wire(step: &TechnicianStep) -> api::TechnicianStep {
    let ends_session = matches!(step, TechnicianStep::Closed { .. });
    let (action, detail) = match step {
        TechnicianStep::Opened => ("technician mode shown", String::new()),
        TechnicianStep::RetriedParked { kiosk_reference } => {
            ("parked action retried", kiosk_reference.clone())
        }
        TechnicianStep::SetAside {
            kiosk_reference,
            reason,
        } => ("action set aside", format!("{kiosk_reference}: {reason}")),
        TechnicianStep::CatalogueDownloaded => ("catalogue downloaded again", String::new()),
        TechnicianStep::Closed { why } => ("technician mode closed", why.to_string()),
    };
    api::TechnicianStep {
        action: action.into(),
        detail,
        ends_session,
    }
}

pub fn problem_to_wire(p: FailureProblem) -> api::FailureProblem {
    match p {
        FailureProblem::CodeNotReceived => api::FailureProblem::CodeNotReceived,
        FailureProblem::CannotLogIn => api::FailureProblem::CannotLogIn,
        FailureProblem::ProgrammeNotShown => api::FailureProblem::ProgrammeNotShown,
        FailureProblem::ApplicationNotAccepted => api::FailureProblem::ApplicationNotAccepted,
        FailureProblem::WrongDataShown => api::FailureProblem::WrongDataShown,
        FailureProblem::KioskNotWorking => api::FailureProblem::KioskNotWorking,
        FailureProblem::Other => api::FailureProblem::Other,
    }
}

pub fn problem_from_wire(p: api::FailureProblem) -> FailureProblem {
    match p {
        api::FailureProblem::CodeNotReceived => FailureProblem::CodeNotReceived,
        api::FailureProblem::CannotLogIn => FailureProblem::CannotLogIn,
        api::FailureProblem::ProgrammeNotShown => FailureProblem::ProgrammeNotShown,
        api::FailureProblem::ApplicationNotAccepted => FailureProblem::ApplicationNotAccepted,
        api::FailureProblem::WrongDataShown => FailureProblem::WrongDataShown,
        api::FailureProblem::KioskNotWorking => FailureProblem::KioskNotWorking,
        api::FailureProblem::Other => FailureProblem::Other,
    }
}

pub fn ticket_timeline(ticket: &api::Ticket) -> Timeline {
    let mut t = Timeline {
        submitted: Some(ticket.received_at),
        ..Timeline::default()
    };
    for record in &ticket.events {
        let at = Some(record.at);
        match record.event {
            api::TicketEvent::Register => t.registered = at,
            api::TicketEvent::Analyse | api::TicketEvent::Close => {}
            api::TicketEvent::Confirm => t.analysed = Some((record.at, Finding::Confirmed)),
            api::TicketEvent::Refute => t.analysed = Some((record.at, Finding::Refuted)),
            api::TicketEvent::Escalate => t.escalated = at,
            api::TicketEvent::AdminConfirm | api::TicketEvent::AdminRefute => t.decided = at,
            api::TicketEvent::NotifyDecision => t.decision_notified = at,
            api::TicketEvent::StartFix => t.fix_started = at,
            api::TicketEvent::Fix => t.fixed = at,
            api::TicketEvent::NotifyFix => t.fix_notified = at,
        }
    }
    t
}

#[cfg(test)]
mod ticket_tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    #[test]
    fn ticket_events_fill_the_timeline_the_deadlines_run_on() {
        let at = |h: u32| Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).unwrap();
        let ticket = api::Ticket {
            reference: "TF-20261124-000001".into(),
            problem: api::FailureProblem::CannotLogIn,
            submitted_at: at(4),
            received_at: at(5),
            events: [
                (api::TicketEvent::Register, 6),
                (api::TicketEvent::Analyse, 7),
                (api::TicketEvent::Confirm, 8),
                (api::TicketEvent::Escalate, 9),
            ]
            .into_iter()
            .map(|(event, h)| api::TicketRecord { event, at: at(h) })
            .collect(),
        };
        let t = ticket_timeline(&ticket);
        assert_eq!(t.submitted, Some(at(5)), "the clock runs from receipt");
        assert_eq!(t.registered, Some(at(6)));
        assert_eq!(t.analysed, Some((at(8), Finding::Confirmed)));
        assert_eq!(t.escalated, Some(at(9)));
        assert_eq!(t.decided, None);
    }
}
