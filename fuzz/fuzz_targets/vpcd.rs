//! The virtual reader's protocol, from the card's side: whatever sits on the other end of the
//! connection (pcscd's vpcd, or a stranger on that port) sends any framing and any commands.
//! The card answers each or ends the connection, never panics, and only ever sends whole
//! frames.
#![no_main]

use std::io::{Cursor, Read, Write};

use komek_card::applet::Applet;
use komek_fuzz::FixedKeys;
use komek_virtual_card::vpcd;
use libfuzzer_sys::fuzz_target;

/// The connection: what the other side sent, and what the card answered.
struct Wire<'a> {
    sent: Cursor<&'a [u8]>,
    answered: Vec<u8>,
}

impl Read for Wire<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.sent.read(buf)
    }
}

impl Write for Wire<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.answered.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let mut wire = Wire {
        sent: Cursor::new(data),
        answered: Vec::new(),
    };
    let applet = Applet::new(Box::new(FixedKeys::p256()), "1234");
    let served = vpcd::serve(&mut wire, applet, &komek_card::komek::ATR);
    assert!(served.is_ok(), "the end of the input is a card pulled out");
    // Every answer is a whole frame: a length and that many bytes.
    let mut answers = wire.answered.as_slice();
    while let [high, low, rest @ ..] = answers {
        let len = usize::from(u16::from_be_bytes([*high, *low]));
        assert!(rest.len() >= len, "a frame cut short");
        answers = &rest[len..];
    }
    assert!(answers.is_empty(), "half a length");
});
