//! ISO/IEC 7816-4 command and response APDUs: just what the card profiles need (short
//! length fields only; certificates are read in chunks).

/// A command APDU: CLA INS P1 P2, optional data, optional expected length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub cla: u8,
    pub ins: u8,
    pub p1: u8,
    pub p2: u8,
    pub data: Vec<u8>,
    /// Expected response length; `Some(0)` means "up to 256".
    pub le: Option<u8>,
}

/// The data may be a PIN: wiped when the command is dropped.
impl Drop for Command {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.data);
    }
}

impl Command {
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    pub fn with_data(mut self, data: &[u8]) -> Self {
        self.data = data.to_vec();
        self
    }

    pub fn expecting(mut self, le: u8) -> Self {
        self.le = Some(le);
        self
    }

    /// The bytes on the wire; `None` when the data does not fit a short APDU.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        let mut bytes = vec![self.cla, self.ins, self.p1, self.p2];
        if !self.data.is_empty() {
            bytes.push(u8::try_from(self.data.len()).ok()?);
            bytes.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            bytes.push(le);
        }
        Some(bytes)
    }

    /// Parses a short command APDU (the card's side).
    pub fn parse(bytes: &[u8]) -> Option<Command> {
        let (&[cla, ins, p1, p2], body) = bytes.split_first_chunk::<4>()?;
        let mut command = Command::new(cla, ins, p1, p2);
        match body {
            [] => {}
            [le] => command.le = Some(*le),
            [lc, rest @ ..] => {
                let lc = usize::from(*lc);
                match rest.len().checked_sub(lc)? {
                    0 => command.data = rest.to_vec(),
                    1 => {
                        command.data = rest[..lc].to_vec();
                        command.le = Some(rest[lc]);
                    }
                    _ => return None,
                }
            }
        }
        Some(command)
    }
}

/// A response APDU: data and the two status bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub data: Vec<u8>,
    pub sw: u16,
}

impl Response {
    pub const OK: u16 = 0x9000;
    /// End of file reached before Le bytes were read (a warning: the data is good).
    pub const END_OF_FILE: u16 = 0x6282;
    pub const SECURITY_NOT_SATISFIED: u16 = 0x6982;
    pub const PIN_BLOCKED: u16 = 0x6983;
    pub const CONDITIONS_NOT_SATISFIED: u16 = 0x6985;
    pub const WRONG_DATA: u16 = 0x6A80;
    pub const FILE_NOT_FOUND: u16 = 0x6A82;
    pub const WRONG_P1P2: u16 = 0x6B00;
    pub const INS_NOT_SUPPORTED: u16 = 0x6D00;
    pub const WRONG_LENGTH: u16 = 0x6700;

    pub fn status(sw: u16) -> Self {
        Response {
            data: Vec::new(),
            sw,
        }
    }

    pub fn ok(data: Vec<u8>) -> Self {
        Response { data, sw: Self::OK }
    }

    /// Splits the bytes the card sent; `None` when there are not even the status bytes.
    pub fn parse(bytes: &[u8]) -> Option<Response> {
        let (data, sw) = bytes.split_last_chunk::<2>()?;
        Some(Response {
            data: data.to_vec(),
            sw: u16::from_be_bytes(*sw),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.data.clone();
        bytes.extend_from_slice(&self.sw.to_be_bytes());
        bytes
    }

    pub fn is_ok(&self) -> bool {
        self.sw == Self::OK
    }

    /// `63Cx`: a wrong PIN, with `x` tries left.
    pub fn tries_left(&self) -> Option<u8> {
        (self.sw & 0xFFF0 == 0x63C0).then_some((self.sw & 0x000F) as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_survive_the_wire_in_every_case_of_iso_7816_4() {
        let cases = [
            Command::new(0x00, 0x20, 0x00, 0x81),
            Command::new(0x00, 0xB0, 0x01, 0x00).expecting(0),
            Command::new(0x00, 0xA4, 0x02, 0x0C).with_data(&[0xC0, 0x01]),
            Command::new(0x00, 0x2A, 0x9E, 0x9A)
                .with_data(&[7; 32])
                .expecting(0),
        ];
        for command in cases {
            let bytes = command.to_bytes().unwrap();
            assert_eq!(Command::parse(&bytes), Some(command));
        }
        assert_eq!(Command::parse(&[0x00, 0xA4, 0x02]), None, "too short");
        assert_eq!(
            Command::parse(&[0x00, 0xA4, 0x02, 0x0C, 0x05, 1, 2]),
            None,
            "Lc longer than the data"
        );
        assert!(
            Command::new(0, 0, 0, 0)
                .with_data(&[0; 300])
                .to_bytes()
                .is_none()
        );
    }

    #[test]
    fn responses_give_data_status_and_the_tries_left() {
        let r = Response::parse(&[1, 2, 0x90, 0x00]).unwrap();
        assert_eq!((r.data.as_slice(), r.is_ok()), (&[1u8, 2][..], true));
        assert_eq!(
            Response::parse(&[0x63, 0xC2]).unwrap().tries_left(),
            Some(2)
        );
        assert_eq!(Response::parse(&[0x69, 0x83]).unwrap().tries_left(), None);
        assert_eq!(Response::parse(&[0x90]), None);
        assert_eq!(Response::ok(vec![5]).to_bytes(), vec![5, 0x90, 0x00]);
    }
}
