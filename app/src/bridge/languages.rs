//! The registry's languages on screen: the language buttons, and the pages that speak every
//! language at once (welcome, out of service). Set once: the registry does not change.

use slint::ComponentHandle;

use crate::{AppAdapter, AppWindow, LanguageChoice};
use komek_domain::{Lang, Word};

pub fn show(app: &AppWindow) {
    let adapter = app.global::<AppAdapter>();
    let choices: Vec<LanguageChoice> = Lang::offered()
        .map(|lang| LanguageChoice {
            code: lang.code().into(),
            name: lang.info().name.as_str().into(),
            short: lang.info().short.as_str().into(),
            welcome: lang.word(Word::Welcome).into(),
            out_of_service_title: lang.word(Word::OutOfServiceTitle).into(),
            out_of_service_body: lang.word(Word::OutOfServiceBody).into(),
        })
        .collect();
    adapter.set_languages(super::models::fixed(choices));
    adapter.set_choose_language_line(Lang::in_every_language(Word::ChooseLanguage).into());
    adapter.set_card_hint_line(Lang::in_every_language(Word::CardHint).into());
    adapter.set_take_card_line(Lang::in_every_language(Word::TakeCard).into());
}
