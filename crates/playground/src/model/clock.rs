//! The clock line under the stage: virtual time, events, and whether the page is replaying
//! the past. Plain text (no web types).
use raft_sim::session::Session;

/// `t = 12.3 ms · 456 events`, and while the session is behind its frontier (after a seek
/// back), how far the run goes on.
pub fn clock_text(session: &Session) -> String {
    let sim = session.sim();
    let mut text = format!("t = {:.1} ms · {} events", sim.now() as f64 / 1000.0, sim.events());
    let frontier = session.frontier();
    if session.position() < frontier {
        text.push_str(&format!(" · replaying (the run goes on to {:.1} ms)", frontier.time_us as f64 / 1000.0));
    }
    text
}
