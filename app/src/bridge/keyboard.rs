//! The on-screen keyboard: the keys of the entry being typed (`komek_kiosk_core::text_entry`
//! says what a field accepts), set on the keyboard only when its layout changes.

use std::rc::Rc;

use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};

use super::{Inner, act, with};
use crate::{AppWindow, KeyboardAdapter};
use komek_kiosk_core::text_entry::DIGITS;
use komek_kiosk_core::text_entry::{EntryKind, Layout, TextEntry};

pub(super) fn wire(app: &AppWindow, inner: &Rc<Inner>) {
    let keyboard = app.global::<KeyboardAdapter>();
    keyboard.on_key(with(inner, |i, key: SharedString| {
        let typed = i.state.borrow_mut().entry.type_key(&key);
        i.account(super::account::Msg::EntryChanged);
        i.key_feedback(Some(key.as_str()).filter(|_| typed), typed);
    }));
    keyboard.on_space(act(inner, |i| {
        let typed = i.state.borrow_mut().entry.space();
        i.account(super::account::Msg::EntryChanged);
        i.key_feedback(None, typed);
    }));
    keyboard.on_erase(act(inner, |i| {
        let erased = i.state.borrow_mut().entry.erase();
        i.account(super::account::Msg::EntryChanged);
        i.erase_feedback(erased);
    }));
    keyboard.on_switch_layout(act(inner, |i| i.state.borrow_mut().entry.switch_layout()));
}

fn strings<S: AsRef<str>>(items: &[S]) -> ModelRc<SharedString> {
    ModelRc::from(Rc::new(VecModel::from(
        items
            .iter()
            .map(|s| SharedString::from(s.as_ref()))
            .collect::<Vec<_>>(),
    )))
}

/// The keyboard as the entry needs it; rows are set only when the layout changes, so that a
/// key press does not rebuild the keys (and lose the focus).
pub(super) fn render(app: &AppWindow, entry: &TextEntry) {
    let keyboard = app.global::<KeyboardAdapter>();
    let rows = entry.layout.rows();
    let layout_shown = keyboard.get_row1().row_count() == rows[0].len()
        && keyboard.get_row1().row_data(0).as_deref() == rows[0].first().map(String::as_str)
        && keyboard.get_symbols().row_data(0).as_deref() == entry.symbols().first().copied()
        && keyboard.get_row4().row_count() == rows[3].len();
    if !layout_shown {
        keyboard.set_digits(strings(&DIGITS));
        keyboard.set_row1(strings(rows[0]));
        keyboard.set_row2(strings(rows[1]));
        keyboard.set_row3(strings(rows[2]));
        keyboard.set_row4(strings(rows[3]));
        keyboard.set_symbols(strings(entry.symbols()));
    }
    keyboard.set_next_layout(entry.next_layout().map_or("", Layout::switch_label).into());
    keyboard.set_space_allowed(entry.kind == EntryKind::FreeText);
}
