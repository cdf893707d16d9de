//! Writes the card fuzz targets' seeds from a real exchange: the kiosk's Komek profile talking
//! to the virtual card (P-256 and RSA), recorded answer by answer, and the certificates read.
//! `cargo run -p komek-virtual-card --example card-fuzz-seeds -- fuzz/seeds`
//!
//! A card session seed is the ATR, then each answer in the order the kiosk asked, each as a
//! two-byte big-endian length and its bytes (`fuzz/src/lib.rs` reads it back). A vpcd seed is
//! what pcscd's virtual reader sends the card for the same exchange: power on, the ATR asked
//! for, then each command, framed the same way.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::{Duration, Utc};
use komek_api::SignatureAlgorithm;
use komek_card::applet::Applet;
use komek_card::komek::{ATR, KomekProfile};
use komek_card::{CardError, CardProfile, KeyRole, Pin, Transport};
use komek_virtual_card::{Authority, KeyKind};

const IIN: &str = "810314304128";
const PIN: &str = "1234";

/// The virtual card, with every command and answer written down.
struct Recorded {
    applet: Applet,
    commands: Vec<Vec<u8>>,
    answers: Vec<Vec<u8>>,
}

impl Transport for Recorded {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        self.commands.push(command.to_vec());
        let answer = self.applet.process(command);
        self.answers.push(answer.clone());
        Ok(answer)
    }
}

/// vpcd's controls: power on, and send the ATR.
const POWER_ON: [u8; 1] = [1];
const GET_ATR: [u8; 1] = [4];

fn session(first: &[u8], records: &[Vec<u8>]) -> Vec<u8> {
    framed([first].into_iter().chain(records.iter().map(Vec::as_slice)))
}

fn framed<'a>(records: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut seed = Vec::new();
    for record in records {
        let len = u16::try_from(record.len()).unwrap_or(u16::MAX);
        seed.extend_from_slice(&len.to_be_bytes());
        seed.extend_from_slice(&record[..usize::from(len)]);
    }
    seed
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(name), bytes).with_context(|| format!("writing {name}"))
}

fn main() -> Result<()> {
    let corpus = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/seeds".into()),
    );
    let authority = Authority::new("Komek Test Root")?;
    // The root the cards are issued under: what the gateway's fuzz target trusts.
    write(
        &corpus.join("card_certificate"),
        "root.der",
        authority.root_der(),
    )?;
    let now = Utc::now();
    for (kind, algorithm, name) in [
        (KeyKind::P256, SignatureAlgorithm::EcdsaP256Sha256, "p256"),
        (KeyKind::Rsa2048, SignatureAlgorithm::RsaPkcs1Sha256, "rsa"),
    ] {
        let card = authority.issue_card(IIN, kind, now, now + Duration::days(3650))?;
        let certificates = corpus.join("card_certificate");
        let auth_name = format!("{name}-authentication.der");
        write(
            &certificates,
            &auth_name,
            &card.authentication.certificate_der,
        )?;
        let signing_name = format!("{name}-signing.der");
        write(&certificates, &signing_name, &card.signing.certificate_der)?;

        let mut recorded = Recorded {
            applet: card.applet(PIN),
            commands: Vec::new(),
            answers: Vec::new(),
        };
        let profile = KomekProfile;
        let pin = Pin::new(PIN).context("the demo PIN")?;
        profile.open(&mut recorded)?;
        profile.pin_tries_left(&mut recorded)?;
        profile.certificate(&mut recorded, KeyRole::Authentication)?;
        profile.verify_pin(&mut recorded, &pin)?;
        profile.sign_digest(&mut recorded, KeyRole::Authentication, algorithm, &[7; 32])?;
        profile.certificate(&mut recorded, KeyRole::Signing)?;
        let seed = session(&ATR, &recorded.answers);
        write(
            &corpus.join("card_session"),
            &format!("{name}-login.bin"),
            &seed,
        )?;
        let controls = [POWER_ON.as_slice(), GET_ATR.as_slice()];
        let reader = framed(
            controls
                .into_iter()
                .chain(recorded.commands.iter().map(Vec::as_slice)),
        );
        write(&corpus.join("vpcd"), &format!("{name}-login.bin"), &reader)?;
    }
    println!("seeds written under {}", corpus.display());
    Ok(())
}
