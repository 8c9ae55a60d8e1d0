//! The clock line under the stage: virtual time, events, and whether the page is replaying
//! the past. Plain text (no web types).
use crate::text::tf;
use raft_sim::session::Session;

/// `t = 12.3 ms · 456 events`, and while the session is behind its frontier (after a seek
/// back), how far the run goes on.
pub fn clock_text(session: &Session) -> String {
    let sim = session.sim();
    let (time, events) = (format!("{:.1}", sim.now() as f64 / 1000.0), sim.events().to_string());
    let frontier = session.frontier();
    if session.position() < frontier {
        let end = format!("{:.1}", frontier.time_us as f64 / 1000.0);
        tf("clock.replaying", &[("time", &time), ("events", &events), ("end", &end)])
    } else {
        tf("clock.now", &[("time", &time), ("events", &events)])
    }
}
