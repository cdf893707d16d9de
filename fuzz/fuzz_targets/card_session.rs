//! A hostile card: any ATR and any answers to the kiosk's whole login and signing exchange.
//! Every step must end in an answer or a `CardError`, never a panic, a hang or a huge buffer.
#![no_main]

use komek_api::SignatureAlgorithm;
use komek_card::{CardCertificate, KeyRole, Pin, profile_for};
use komek_fuzz::CardScript;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(mut card) = CardScript::parse(data) else {
        return;
    };
    // An ATR no profile knows is "unknown card" before any command.
    let Some(profile) = profile_for(card.atr) else {
        return;
    };
    let Some(pin) = Pin::new("1234") else {
        return;
    };
    let _ = profile.open(&mut card);
    let _ = profile.pin_tries_left(&mut card);
    if let Ok(der) = profile.certificate(&mut card, KeyRole::Authentication) {
        let _ = CardCertificate::parse(&der);
    }
    let _ = profile.verify_pin(&mut card, &pin);
    let algorithm = SignatureAlgorithm::EcdsaP256Sha256;
    let _ = profile.sign_digest(&mut card, KeyRole::Authentication, algorithm, &[7; 32]);
    if let Ok(der) = profile.certificate(&mut card, KeyRole::Signing) {
        let _ = CardCertificate::parse(&der);
    }
});
