//! One one-time code typed on the keypad, whichever flow asked for it (login, a new phone,
//! signing): the challenge it answers, its six digits, and the tries the gateway has left.
//! Every code flow goes through here, so each rule of a code is written once.

use komek_kiosk_core::core::LoginError;

use super::login::login_problem;
use super::type_digit;
use crate::LoginProblem;

pub struct CodeEntry<C> {
    pub challenge: Option<C>,
    code: String,
    pub attempts_left: u32,
}

/// Shows how much is typed, never the digits or the challenge (which names the person).
impl<C> std::fmt::Debug for CodeEntry<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeEntry")
            .field("sent", &self.challenge.is_some())
            .field("typed", &self.code.len())
            .field("attempts_left", &self.attempts_left)
            .finish()
    }
}

impl<C> Default for CodeEntry<C> {
    fn default() -> Self {
        CodeEntry {
            challenge: None,
            code: String::new(),
            attempts_left: 0,
        }
    }
}

impl<C: Clone> CodeEntry<C> {
    /// The gateway's codes have six digits.
    pub const LENGTH: usize = 6;

    /// A digit typed, once a code has been sent and while it is not whole.
    pub fn type_digit(&mut self, digit: &str) -> bool {
        self.challenge.is_some() && type_digit(&mut self.code, digit, Self::LENGTH)
    }

    pub fn erase(&mut self) -> bool {
        self.code.pop().is_some()
    }

    /// How many digits are typed (the screen shows dots, never the digits).
    pub fn typed(&self) -> usize {
        self.code.len()
    }

    /// What to send to the gateway: the challenge and the whole code. None while no code has
    /// been sent; the problem to show while it is not whole.
    pub fn submission(&self) -> Option<Result<(C, String), LoginProblem>> {
        let challenge = self.challenge.clone()?;
        Some(if self.code.len() == Self::LENGTH {
            Ok((challenge, self.code.clone()))
        } else {
            Err(LoginProblem::CodeIncomplete)
        })
    }

    /// A new code was sent: the digits typed for the old one, and its tries left, go (the
    /// new code's tries are the gateway's to say).
    pub fn sent(&mut self, challenge: C) {
        self.challenge = Some(challenge);
        self.code.clear();
        self.attempts_left = 0;
    }

    /// The gateway refused the code: the digits go, and the tries left are kept to show.
    pub fn refused(&mut self, error: &LoginError) -> LoginProblem {
        if let LoginError::WrongCode { attempts_left } = error {
            self.attempts_left = *attempts_left;
        }
        self.code.clear();
        login_problem(error)
    }

    /// The digits go (a new code is asked for, or the person went back).
    pub fn clear(&mut self) {
        self.code.clear();
    }

    /// The whole code and its challenge, to be checked: the flow is `busy` from here until
    /// the gateway answers. A code not whole sets `problem`; with no code sent there is
    /// nothing to check.
    pub fn submit(
        &self,
        busy: &mut bool,
        problem: &mut Option<LoginProblem>,
    ) -> Option<(C, String)> {
        match self.submission()? {
            Ok(whole) => {
                *busy = true;
                Some(whole)
            }
            Err(incomplete) => {
                *problem = Some(incomplete);
                None
            }
        }
    }

    /// The gateway answered a request for a code: the new challenge, or in `problem` why no
    /// code was sent.
    pub fn code_sent(
        &mut self,
        answer: Result<C, LoginError>,
        busy: &mut bool,
        problem: &mut Option<LoginProblem>,
    ) -> Option<&C> {
        *busy = false;
        match answer {
            Ok(challenge) => {
                self.sent(challenge);
                *problem = None;
                self.challenge.as_ref()
            }
            Err(e) => {
                *problem = Some(login_problem(&e));
                None
            }
        }
    }

    /// The gateway checked the code: what it proved, or its refusal in `problem`.
    pub fn checked<T>(
        &mut self,
        answer: Result<T, LoginError>,
        busy: &mut bool,
        problem: &mut Option<LoginProblem>,
    ) -> Option<T> {
        *busy = false;
        match answer {
            Ok(proved) => Some(proved),
            Err(e) => {
                *problem = Some(self.refused(&e));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_typed_before_a_code_is_sent_and_no_more_than_six_digits_after() {
        let mut entry: CodeEntry<&str> = CodeEntry::default();
        assert!(!entry.type_digit("1"));
        assert!(
            entry.submission().is_none(),
            "nothing to send without a challenge"
        );
        entry.sent("challenge");
        for d in "1234567".chars() {
            entry.type_digit(&d.to_string());
        }
        assert_eq!(entry.typed(), 6);
        assert!(!entry.type_digit("x"));
        assert_eq!(
            entry.submission(),
            Some(Ok(("challenge", "123456".to_string())))
        );
        assert!(entry.erase());
        assert_eq!(entry.submission(), Some(Err(LoginProblem::CodeIncomplete)));
        let shown = format!("{entry:?}");
        assert!(
            !shown.contains("12345") && !shown.contains("challenge"),
            "{shown}"
        );
    }

    #[test]
    fn a_refused_code_is_cleared_and_its_tries_left_kept() {
        let mut entry = CodeEntry::default();
        entry.sent(1);
        entry.type_digit("5");
        let problem = entry.refused(&LoginError::WrongCode { attempts_left: 2 });
        assert_eq!(problem, LoginProblem::CodeWrong);
        assert_eq!((entry.typed(), entry.attempts_left), (0, 2));
        assert_eq!(
            entry.refused(&LoginError::Expired),
            LoginProblem::CodeExpired
        );
        assert_eq!(entry.attempts_left, 2);
        entry.type_digit("5");
        entry.sent(2);
        assert_eq!((entry.typed(), entry.challenge), (0, Some(2)));
        assert_eq!(
            entry.attempts_left, 0,
            "the old code's tries are not the new one's"
        );
    }
}
