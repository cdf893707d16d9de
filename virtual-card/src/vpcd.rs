//! The card's side of vpcd, the virtual reader driver of pcscd (vsmartcard): the card
//! connects to the driver over TCP and answers what it is sent. A message is a big-endian u16
//! length and that many bytes; one byte is a control (0 power off, 1 power on, 2 reset,
//! 4 send the ATR), anything longer a command APDU. Closing the connection pulls the card out.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::thread::{self, JoinHandle};

use komek_card::applet::Applet;

/// vpcd's first slot; the second is the next port.
pub const DEFAULT_PORT: u16 = 35963;

const POWER_OFF: u8 = 0;
const POWER_ON: u8 = 1;
const RESET: u8 = 2;
const GET_ATR: u8 = 4;

/// A card in a vpcd reader, answering on its own thread until removed.
pub struct InsertedCard {
    stream: TcpStream,
    thread: Option<JoinHandle<io::Result<Applet>>>,
}

impl InsertedCard {
    /// Connects to vpcd at `address` (e.g. `127.0.0.1:35963`) and answers as `applet` with `atr`.
    pub fn insert(
        address: impl ToSocketAddrs,
        applet: Applet,
        atr: &[u8],
    ) -> io::Result<InsertedCard> {
        InsertedCard::over(TcpStream::connect(address)?, applet, atr)
    }

    /// Answers as `applet` over a connection made elsewhere (e.g. in another network
    /// namespace).
    pub fn over(stream: TcpStream, applet: Applet, atr: &[u8]) -> io::Result<InsertedCard> {
        // Without it every answer waits for the delayed ACK of the last (~40 ms an APDU).
        stream.set_nodelay(true)?;
        let reader = stream.try_clone()?;
        let atr = atr.to_vec();
        let thread = thread::Builder::new()
            .name("vpcd-card".into())
            .spawn(move || serve(reader, applet, &atr))?;
        Ok(InsertedCard {
            stream,
            thread: Some(thread),
        })
    }

    /// Pulls the card out: closes the connection, waits for the card's thread and gives the
    /// applet back (its PIN tries stay as they are, for the card to be inserted again).
    pub fn remove(mut self) -> io::Result<Applet> {
        self.close()
    }

    fn close(&mut self) -> io::Result<Applet> {
        // Fails only when vpcd closed it first, which is just as good.
        let _ = self.stream.shutdown(Shutdown::Both);
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(served)) => served,
            Some(Err(_)) => Err(io::Error::other("the virtual card's thread panicked")),
            None => Err(io::Error::other("the card was removed already")),
        }
    }
}

impl Drop for InsertedCard {
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.close();
        }
    }
}

/// Answers vpcd (or whatever sits on the connection) until the connection closes; gives the
/// applet back. Any framing the other side sends is answered or ends the connection, never a
/// panic (the `vpcd` fuzz target feeds it arbitrary bytes).
pub fn serve<S: Read + Write>(mut stream: S, mut applet: Applet, atr: &[u8]) -> io::Result<Applet> {
    loop {
        let Some(message) = receive(&mut stream)? else {
            return Ok(applet);
        };
        match message.as_slice() {
            [POWER_OFF] | [RESET] => applet.reset(),
            [POWER_ON] => {}
            [GET_ATR] => send(&mut stream, atr)?,
            [_] => {}
            apdu => send(&mut stream, &applet.process(apdu))?,
        }
    }
}

/// One message; `None` when the connection is closed.
fn receive(stream: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut length = [0u8; 2];
    match stream.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if closed(&e) => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut message = vec![0; usize::from(u16::from_be_bytes(length))];
    match stream.read_exact(&mut message) {
        Ok(()) => Ok(Some(message)),
        Err(e) if closed(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

fn closed(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
    )
}

/// One message, length and bytes in a single write.
fn send(stream: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let length = u16::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "message over 64 KiB"))?;
    let mut framed = Vec::with_capacity(payload.len() + 2);
    framed.extend_from_slice(&length.to_be_bytes());
    framed.extend_from_slice(payload);
    stream.write_all(&framed)
}
