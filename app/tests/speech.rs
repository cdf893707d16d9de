#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What the kiosk says in speech mode, read from the speech worker's log (the outputs are
//! silent here; tests/tests/speech.rs runs the real voices): screen prompts in the screen's
//! language, focused controls with role and state, messages as they appear, tones instead of
//! the digits of a code, and everything back to the defaults after a visit.

mod common;

use std::time::{Duration, Instant};

use common::*;
use komek_kiosk::{AppAdapter, LoginAdapter, Screen, SpeechAdapter};
use komek_kiosk_core::session::Timing;
use slint::ComponentHandle;

fn log_until(rig: &Rig, what: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // What the event loop does between events: Slint's change handlers announce messages.
        slint::platform::update_timers_and_animations();
        let log = rig.kiosk.speech().log();
        if done(&log) {
            return log;
        }
        assert!(Instant::now() < deadline, "{what}: {log:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn has(log: &[String], entry: &str) -> bool {
    log.iter().any(|l| l == entry)
}

#[test]
fn speech_mode_says_prompts_controls_and_messages_and_never_the_code() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    let speech = app.global::<SpeechAdapter>();
    speech.invoke_toggle_speech();
    // The welcome screen speaks in every offered language, since nobody has chosen one yet.
    log_until(&rig, "welcome in kk, ru, en", |l| {
        has(l, "prompt:welcome:kk") && has(l, "prompt:welcome:ru") && has(l, "prompt:welcome:en")
    });

    press(app, "Русский");
    log_until(&rig, "the IIN prompt in Russian", |l| {
        has(l, "prompt:iin:ru")
    });
    // A mistake is announced as it appears, in the screen's language.
    let wrong = format!("{}{}", &IIN[..11], (IIN.as_bytes()[11] - b'0' + 1) % 10);
    type_digits(app, &wrong);
    press(app, "Продолжить");
    log_until(&rig, "the IIN mistake", |l| {
        l.iter().any(|e| e.starts_with("say:") && e.contains("ИИН"))
    });
    press(app, "Стереть последнюю цифру");
    log_until(&rig, "the erase tone", |l| has(l, "tone:Erase"));
    press(app, &IIN[11..]);
    press(app, "Продолжить");
    wait(&rig, "the code screen", || {
        rig.kiosk.screen() == Screen::Code
    });
    log_until(&rig, "the code prompt", |l| has(l, "prompt:code:ru"));

    // Moving onto a keypad key on the loudspeaker names no digit, and says why once.
    let down: slint::SharedString = slint::platform::Key::DownArrow.into();
    for _ in 0..40 {
        app.window()
            .dispatch_event(slint::platform::WindowEvent::KeyPressed { text: down.clone() });
        slint::platform::update_timers_and_animations();
        if rig.kiosk.focused_label().len() == 1 {
            break;
        }
    }
    let digit = rig.kiosk.focused_label();
    assert!(
        digit.bytes().all(|b| b.is_ascii_digit()),
        "on a keypad key: {digit}"
    );
    let log = log_until(&rig, "the neutral key name", |l| {
        has(l, "say:Цифровая клавиша") && has(l, "prompt:digits-private:ru")
    });
    assert!(
        !has(&log, &format!("say:{digit}")),
        "the digit was named: {log:#?}"
    );

    let login = app.global::<LoginAdapter>();
    wait(&rig, "the demo code", || login.get_demo_code().len() == 6);
    let code = login.get_demo_code().to_string();
    type_digits(app, &code);
    press(app, "Войти");
    wait(&rig, "the programme", || {
        rig.kiosk.screen() == Screen::Activities
    });
    let log = log_until(&rig, "the programme prompt", |l| {
        has(l, "prompt:activities:ru")
    });
    assert!(
        log.iter().filter(|e| *e == "tone:Digit").count() >= 6,
        "each digit of the code is a tone: {log:#?}"
    );
    // Neither the code nor the IIN is ever handed to a voice on the loudspeaker.
    for said in log.iter().filter(|e| !e.starts_with("prompt:")) {
        assert!(!said.contains(&code), "the code was spoken: {said}");
        assert!(!said.contains(&IIN[..6]), "the IIN was spoken: {said}");
    }

    // The control the focus moves to is said with its role.
    let down: slint::SharedString = slint::platform::Key::DownArrow.into();
    app.window()
        .dispatch_event(slint::platform::WindowEvent::KeyPressed { text: down.clone() });
    app.window()
        .dispatch_event(slint::platform::WindowEvent::KeyReleased { text: down });
    log_until(&rig, "the focused card", |l| {
        l.iter()
            .any(|e| e.starts_with("say:") && e.contains("кнопка"))
    });

    // Settings changed in speech mode go back to the defaults for the next person.
    speech.invoke_choose_rate(2);
    speech.invoke_louder();
    assert_eq!((speech.get_rate(), speech.get_volume()), (2, 4));
    app.global::<AppAdapter>().invoke_logout();
    assert_eq!(rig.kiosk.screen(), Screen::Welcome);
    assert!(!speech.get_enabled());
    assert_eq!((speech.get_rate(), speech.get_volume()), (1, 3));
    log_until(&rig, "the log forgotten", |l| {
        !l.iter().any(|e| e.contains("кнопка"))
    });
}

#[test]
fn with_speech_off_nothing_is_said() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    press(app, "English");
    type_digits(app, "8103");
    std::thread::sleep(Duration::from_millis(200));
    assert!(rig.kiosk.speech().log().is_empty());
    assert_eq!(rig.kiosk.screen(), Screen::Iin);
}

#[test]
fn an_elderly_person_is_shown_and_told_their_recommended_special_social_services() {
    let rig = rig(Timing::default());
    let app = &rig.app;
    app.global::<SpeechAdapter>().invoke_toggle_speech();
    // Бибігүл Омарова, elderly and unable to look after herself (no disability group).
    log_in_as(&rig, "440630402069");
    assert!(
        app.global::<komek_kiosk::ActivitiesAdapter>()
            .get_social_services()
    );
    assert!(has_label_containing(
        app,
        "Your recommended special social services"
    ));
    assert!(!has_label_containing(app, "Your rehabilitation programme"));
    log_until(&rig, "the social services prompt", |l| {
        has(l, "prompt:social-services:en")
    });
    press(app, "Log out");

    // A person with disability gets the programme (speech is off again after a visit).
    app.global::<SpeechAdapter>().invoke_toggle_speech();
    log_in(&rig);
    assert!(has_label_containing(app, "Your rehabilitation programme"));
    log_until(&rig, "the programme prompt", |l| {
        has(l, "prompt:activities:en")
    });
}
