//! What a demo kiosk adds to the screens: the one-time code read back from the demo gateway
//! and shown, the demo ID card's button, eGov Mobile's approval. Built with the `demo`
//! feature only; a production build compiles each of these to nothing.

use komek_kiosk_core::cards::CardReaders;
use komek_kiosk_core::core::QrLogin;
use uuid::Uuid;

#[cfg(feature = "demo")]
use super::nothing_waits;
use super::{Inner, Update};

impl Inner {
    /// On a demo kiosk, shows the code the demo "SMS" of challenge `id` carried.
    #[cfg_attr(not(feature = "demo"), allow(unused_variables))]
    pub(super) fn show_demo_code(&self, id: Uuid, update: fn(String) -> Update) {
        #[cfg(feature = "demo")]
        self.show_demo_answer(|core| async move { core.demo_code(id).await }, update);
    }

    /// On a demo kiosk, shows the demo technician's authenticator code now.
    #[cfg_attr(not(feature = "demo"), allow(unused_variables))]
    pub(super) fn show_demo_technician_code(&self, update: fn(String) -> Update) {
        #[cfg(feature = "demo")]
        self.show_demo_answer(
            |core| async move { core.demo_technician_code(TECHNICIAN_IIN).await },
            update,
        );
    }

    /// Asks the demo gateway for what the screen shows beside its field (nothing on a kiosk
    /// with a real gateway); `update` carries it back.
    #[cfg(feature = "demo")]
    fn show_demo_answer<F>(
        &self,
        ask: impl FnOnce(std::sync::Arc<komek_kiosk_core::core::Core>) -> F,
        update: fn(String) -> Update,
    ) where
        F: std::future::Future<Output = Option<String>> + Send + 'static,
    {
        if self.core.config().demo {
            let answer = ask(self.core.clone());
            self.spawn(nothing_waits, async move {
                update(answer.await.unwrap_or_default())
            });
        }
    }

    /// On a demo kiosk, approves the QR login as eGov Mobile would; the screen's own asking
    /// picks the approval up.
    #[cfg_attr(not(feature = "demo"), allow(unused_variables))]
    pub(super) fn demo_approve_qr(&self, login: QrLogin, update: Update) {
        #[cfg(feature = "demo")]
        {
            let core = self.core.clone();
            self.spawn(nothing_waits, async move {
                core.demo_approve_qr(&login).await;
                update
            });
        }
    }
}

/// The demo technician, shown with their code on the sign-in; nothing on a production build.
#[cfg(feature = "demo")]
pub(super) const TECHNICIAN_IIN: &str = komek_kiosk_core::technician::DEMO_TECHNICIAN_IIN;
#[cfg(not(feature = "demo"))]
pub(super) const TECHNICIAN_IIN: &str = "";

/// Whether the demo card is in its reader; `None` when the kiosk has no demo card.
#[cfg_attr(not(feature = "demo"), allow(unused_variables))]
pub(super) fn card_inserted(cards: &CardReaders) -> Option<bool> {
    #[cfg(feature = "demo")]
    return cards.demo().map(|card| card.inserted());
    #[cfg(not(feature = "demo"))]
    None
}

/// Puts the demo card in, or takes it out.
#[cfg_attr(not(feature = "demo"), allow(unused_variables))]
pub(super) fn toggle_card(cards: &CardReaders) {
    #[cfg(feature = "demo")]
    if let Some(card) = cards.demo() {
        if card.inserted() {
            card.remove();
        } else {
            card.insert();
        }
    }
}

/// The demo card's PIN, shown beside its keypad; nothing on a production build.
#[cfg(feature = "demo")]
pub(super) const CARD_PIN: &str = komek_kiosk_core::cards::DEMO_PIN;
#[cfg(not(feature = "demo"))]
pub(super) const CARD_PIN: &str = "";
