//! The state machine of one person's visit: idle, authenticating, active (with a warning before
//! the idle time runs out), then ended and wiped. Pure: the caller passes monotonic time.

use std::time::Duration;

/// How long a person may be idle before the warning, and how long the warning lasts before
/// the visit ends and everything personal is wiped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub warn_after: Duration,
    pub end_after_warning: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        // Generous for slow readers; the warning leaves 30 s to press one key.
        Timing {
            warn_after: Duration::from_secs(120),
            end_after_warning: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase<V> {
    /// Nobody is using the kiosk: the welcome screen.
    Idle,
    /// A person has started: IIN and code entry.
    Authenticating,
    /// Logged in; `V` holds everything personal of the visit.
    Active(V),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Nothing changes.
    Quiet,
    /// The warning is up; the visit ends in this many whole seconds unless extended.
    Warning { seconds_left: u64 },
    /// The idle time ran out: the visit ended and was wiped.
    Ended,
}

#[derive(Debug)]
pub struct Session<V> {
    phase: Phase<V>,
    timing: Timing,
    /// The timing of this use of the kiosk when it is not a person's visit (technician
    /// mode), until it ends.
    timing_now: Option<Timing>,
    last_input: Duration,
    warning: bool,
}

impl<V> Session<V> {
    pub fn new(timing: Timing) -> Self {
        Session {
            phase: Phase::Idle,
            timing,
            timing_now: None,
            last_input: Duration::ZERO,
            warning: false,
        }
    }

    pub fn phase(&self) -> &Phase<V> {
        &self.phase
    }

    pub fn visit(&self) -> Option<&V> {
        match &self.phase {
            Phase::Active(v) => Some(v),
            _ => None,
        }
    }

    pub fn visit_mut(&mut self) -> Option<&mut V> {
        match &mut self.phase {
            Phase::Active(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_warning(&self) -> bool {
        self.warning
    }

    /// A person starts using the kiosk (chose a language).
    pub fn start(&mut self, now: Duration) {
        if matches!(self.phase, Phase::Idle) {
            self.phase = Phase::Authenticating;
        }
        self.input(now);
    }

    /// Starts a use of the kiosk with its own idle timing (technician mode), kept until it ends.
    pub fn start_with(&mut self, now: Duration, timing: Timing) {
        self.start(now);
        self.timing_now = Some(timing);
    }

    /// Authentication succeeded: the visit's personal data arrive.
    pub fn logged_in(&mut self, visit: V, now: Duration) {
        self.phase = Phase::Active(visit);
        self.input(now);
    }

    /// Any touch or key: the person is here. Also what "continue" on the warning does.
    pub fn input(&mut self, now: Duration) {
        self.last_input = now;
        self.warning = false;
    }

    /// Ends the visit and drops everything personal; returns the visit so the caller can log
    /// out at the gateway and wipe what it shows.
    pub fn end(&mut self) -> Option<V> {
        self.warning = false;
        self.timing_now = None;
        match std::mem::replace(&mut self.phase, Phase::Idle) {
            Phase::Active(v) => Some(v),
            _ => None,
        }
    }

    /// Advances the idle clock.
    pub fn tick(&mut self, now: Duration) -> Tick {
        if matches!(self.phase, Phase::Idle) {
            return Tick::Quiet;
        }
        let idle = now.saturating_sub(self.last_input);
        let timing = self.timing_now.unwrap_or(self.timing);
        let end_at = timing.warn_after + timing.end_after_warning;
        if idle >= end_at {
            self.end();
            return Tick::Ended;
        }
        if idle >= timing.warn_after {
            self.warning = true;
            let left = end_at - idle;
            // Round up: "1 second" is shown until the very end.
            let seconds_left = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Tick::Warning { seconds_left };
        }
        Tick::Quiet
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn timing() -> Timing {
        Timing {
            warn_after: 60 * S,
            end_after_warning: 20 * S,
        }
    }

    #[derive(Debug, PartialEq, Eq)]
    struct Visit(&'static str);

    #[test]
    fn a_visit_goes_from_idle_through_login_to_active_and_back() {
        let mut s = Session::new(timing());
        assert_eq!(s.phase(), &Phase::Idle);
        s.start(S);
        assert_eq!(s.phase(), &Phase::Authenticating);
        s.logged_in(Visit("person"), 5 * S);
        assert_eq!(s.visit(), Some(&Visit("person")));
        assert_eq!(s.end(), Some(Visit("person")));
        assert_eq!(s.phase(), &Phase::Idle);
        assert_eq!(s.visit(), None);
        // Ending again has nothing to wipe.
        assert_eq!(s.end(), None);
    }

    #[test]
    fn idle_time_warns_then_ends_and_wipes() {
        let mut s = Session::new(timing());
        s.start(Duration::ZERO);
        s.logged_in(Visit("person"), 10 * S);
        assert_eq!(s.tick(69 * S), Tick::Quiet);
        assert_eq!(s.tick(70 * S), Tick::Warning { seconds_left: 20 });
        assert!(s.is_warning());
        assert_eq!(
            s.tick(Duration::from_millis(89_500)),
            Tick::Warning { seconds_left: 1 }
        );
        assert_eq!(s.tick(90 * S), Tick::Ended);
        assert_eq!(s.phase(), &Phase::Idle);
        assert!(!s.is_warning());
        assert_eq!(s.tick(500 * S), Tick::Quiet);
    }

    #[test]
    fn a_use_with_its_own_timing_keeps_it_until_it_ends() {
        let mut s: Session<Visit> = Session::new(timing());
        let long = Timing {
            warn_after: 270 * S,
            end_after_warning: 30 * S,
        };
        s.start_with(Duration::ZERO, long);
        assert_eq!(s.tick(100 * S), Tick::Quiet, "not the visit's 60 s");
        assert_eq!(s.tick(270 * S), Tick::Warning { seconds_left: 30 });
        assert_eq!(s.tick(300 * S), Tick::Ended);
        // The next person's visit has the visit's timing again.
        s.start(400 * S);
        assert_eq!(s.tick(460 * S), Tick::Warning { seconds_left: 20 });
    }

    #[test]
    fn continuing_during_the_warning_extends_the_visit_again_and_again() {
        let mut s = Session::new(timing());
        s.start(Duration::ZERO);
        s.logged_in(Visit("person"), Duration::ZERO);
        let mut now = Duration::ZERO;
        for _ in 0..12 {
            now += 65 * S;
            assert!(matches!(s.tick(now), Tick::Warning { .. }));
            s.input(now);
            assert!(!s.is_warning());
            assert_eq!(s.tick(now + S), Tick::Quiet);
        }
        assert_eq!(s.visit(), Some(&Visit("person")));
    }

    #[test]
    fn an_abandoned_login_also_times_out() {
        let mut s: Session<Visit> = Session::new(timing());
        s.start(Duration::ZERO);
        assert_eq!(s.tick(80 * S), Tick::Ended);
        assert_eq!(s.phase(), &Phase::Idle);
    }
}
