//! What the hunt panel shows (hunt_panel.rs): the equivalent `raftsim check` command, the
//! progress (seeds done of the budget, events per second, time left to the budget) and the
//! outcome, from the store's [`Hunt`]. Plain values, compared by the panel's props, so the
//! panel re-renders when a worker answers, not every frame.
use crate::model::sim_text::property_name;
use crate::store::hunt::{Hunt, Phase};
use crate::text::{t, tf};
use raft_core::UnsafeRule;
use raft_sim::Property;

/// The panel's state in words and figures.
#[derive(Clone, Debug, PartialEq)]
pub struct HuntView {
    pub nodes: Option<u32>,
    pub membership: bool,
    pub lease_window: bool,
    pub seeds: String,
    pub field_error: Option<String>,
    /// The page's Break Raft rules, by name ("none" in words when there are none).
    pub rules: String,
    /// `raftsim check …` for the campaign the button runs (or is running).
    pub command: String,
    pub workers: usize,
    /// Workers at work: Stop is offered.
    pub active: bool,
    /// The progress bar: seeds done and the budget.
    pub done: u64,
    pub budget: u64,
    /// The progress line, and the outcome (None while there is none).
    pub progress: Option<String>,
    pub outcome: Option<Outcome>,
    /// A phase name for tests (`data-phase`).
    pub phase: &'static str,
    pub events: u64,
    /// Real ms from Start to the last answer (for the speed report, web/bench/hunt-speed.mjs).
    pub elapsed_ms: u64,
}

/// How a hunt ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub text: String,
    /// Raw and shrunk sizes, when a bug was found and shrunk.
    pub sizes: Option<(String, String)>,
    pub seed: Option<u64>,
    pub property: Option<&'static str>,
    /// The counterexample is the run open in the player: offer its share link.
    pub shareable: bool,
    pub error: bool,
}

/// Seeds (or events) per second over `elapsed_ms`; 0 before any time passed.
pub fn rate(count: u64, elapsed_ms: f64) -> f64 {
    if elapsed_ms > 0.0 {
        count as f64 * 1000.0 / elapsed_ms
    } else {
        0.0
    }
}

/// Seconds left to run the budget at the rate so far; None before a seed is done.
pub fn time_left_s(done: u64, budget: u64, elapsed_ms: f64) -> Option<f64> {
    let per_second = rate(done, elapsed_ms);
    (done > 0 && per_second > 0.0).then(|| budget.saturating_sub(done) as f64 / per_second)
}

/// The share of the budget done, in percent (0 to 100).
pub fn percent(done: u64, budget: u64) -> f64 {
    if budget == 0 {
        return 0.0;
    }
    (done.min(budget) as f64 * 100.0 / budget as f64).clamp(0.0, 100.0)
}

/// A count with thousands separators: 20000 → "20,000".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A size as the panel writes it: "servers: 5, actions: 42, faults: 3, clients: 2, duration:
/// 12,345 ms" (labels first: no plural to get wrong for a count of 1).
fn size_text(size: &raft_sim::campaign::shrink::Size) -> String {
    tf(
        "hunt.size",
        &[
            ("servers", &size.servers.to_string()),
            ("actions", &size.actions.to_string()),
            ("faults", &size.faults.to_string()),
            ("clients", &size.clients.to_string()),
            ("ms", &grouped(size.duration_ms.round().max(0.0) as u64)),
        ],
    )
}

fn property_of(name: &str) -> Option<Property> {
    Property::ALL.iter().copied().find(|p| p.name() == name)
}

/// A property named by the simulator, in the page's words (as is if it is not one we know).
fn property_words(name: &str) -> String {
    property_of(name).map_or_else(|| name.to_string(), |p| property_name(p).to_string())
}

impl HuntView {
    /// `run`: the store's `run_serial`, which names the run open in the player.
    pub fn of(hunt: &Hunt, rules: &[UnsafeRule], run: u64) -> HuntView {
        let active = hunt.active();
        let idle = hunt.phase == Phase::Idle;
        // While a hunt runs, the command names it; otherwise what the button would run now.
        let (flags, budget) = if active {
            (hunt.flags.clone(), hunt.budget)
        } else {
            (hunt.flags_with(rules), hunt.seeds().unwrap_or(hunt.budget))
        };
        let names: Vec<&str> = rules.iter().map(|r| r.name()).collect();
        let elapsed = hunt.last_ms - hunt.started_ms;
        let progress = (!idle).then(|| {
            let left = match time_left_s(hunt.seeds_done, hunt.budget, elapsed) {
                Some(s) if active && matches!(hunt.phase, Phase::Running) => {
                    tf("hunt.time-left", &[("seconds", &format!("{:.0}", s.ceil()))])
                }
                _ => String::new(),
            };
            tf(
                "hunt.progress",
                &[
                    ("done", &grouped(hunt.seeds_done)),
                    ("budget", &grouped(hunt.budget)),
                    ("events", &grouped(hunt.events)),
                    ("seeds_per_s", &format!("{:.0}", rate(hunt.seeds_done, elapsed))),
                    ("events_per_s", &grouped(rate(hunt.events, elapsed).round() as u64)),
                    ("workers", &hunt.workers.to_string()),
                    ("left", &left),
                ],
            )
        });
        let secs = |ms: Option<f64>| format!("{:.1}", ms.unwrap_or(0.0) / 1000.0);
        let plain = |text: String, error: bool| Outcome {
            text,
            sizes: None,
            seed: None,
            property: None,
            shareable: false,
            error,
        };
        let (outcome, phase) = match &hunt.phase {
            Phase::Idle => (None, "idle"),
            Phase::Running => (None, "running"),
            Phase::Settling => (Some(plain(t("hunt.settling").into(), false)), "settling"),
            Phase::Shrinking(f) => {
                let p = property_words(&f.property);
                let text = tf("hunt.shrinking", &[("seed", &f.seed.to_string()), ("property", &p)]);
                (Some(plain(text, false)), "shrinking")
            }
            Phase::Found { found, shrunk } => {
                let property = property_of(&found.property);
                let p = property_words(&found.property);
                let text = tf(
                    "hunt.found",
                    &[
                        ("seed", &found.seed.to_string()),
                        ("property", &p),
                        ("seconds", &secs(hunt.find_ms)),
                        ("shrink_seconds", &secs(hunt.shrink_ms)),
                        ("attempts", &shrunk.attempts.to_string()),
                    ],
                );
                let outcome = Outcome {
                    text,
                    sizes: Some((size_text(&shrunk.before), size_text(&shrunk.after))),
                    seed: Some(found.seed),
                    property: property.map(|p| p.name()),
                    shareable: hunt.opened_run == Some(run),
                    error: false,
                };
                (Some(outcome), "found")
            }
            Phase::Nothing => {
                let text = tf(
                    "hunt.nothing",
                    &[
                        ("seeds", &grouped(hunt.seeds_done)),
                        ("events", &grouped(hunt.events)),
                        ("seconds", &secs(Some(elapsed))),
                    ],
                );
                (Some(plain(text, false)), "nothing")
            }
            Phase::Stopped => {
                let text =
                    tf("hunt.stopped", &[("seeds", &grouped(hunt.seeds_done)), ("events", &grouped(hunt.events))]);
                (Some(plain(text, false)), "stopped")
            }
            Phase::Runaway(seed) => {
                let text = tf(
                    "hunt.runaway",
                    &[("seed", &seed.to_string()), ("budget", &grouped(raft_sim::campaign::EVENT_BUDGET))],
                );
                (Some(plain(text, true)), "runaway")
            }
            Phase::Failed(why) => (Some(plain(tf("hunt.failed", &[("why", why)]), true)), "failed"),
        };
        HuntView {
            nodes: hunt.fields.nodes,
            membership: hunt.fields.membership,
            lease_window: hunt.fields.lease_window,
            seeds: hunt.fields.seeds.clone(),
            field_error: hunt.field_error.clone(),
            rules: if names.is_empty() { t("hunt.no-rules").into() } else { names.join(", ") },
            command: flags.command_line(budget),
            workers: hunt.workers,
            active,
            done: hunt.seeds_done,
            budget: hunt.budget,
            progress,
            outcome,
            phase,
            events: hunt.events,
            elapsed_ms: elapsed.max(0.0).round() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_figures() {
        assert_eq!(rate(500, 2_000.0), 250.0);
        assert_eq!(rate(500, 0.0), 0.0);
        // 1,000 seeds in 4 s: 250 a second, 19,000 left: 76 s.
        assert_eq!(time_left_s(1_000, 20_000, 4_000.0), Some(76.0));
        assert_eq!(time_left_s(0, 20_000, 4_000.0), None);
        assert_eq!(time_left_s(20_000, 20_000, 4_000.0), Some(0.0));
        assert_eq!(percent(5_000, 20_000), 25.0);
        assert_eq!(percent(30, 20), 100.0);
        assert_eq!(percent(1, 0), 0.0);
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(20_000), "20,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn the_view_names_the_cli_command_and_the_progress() {
        let mut hunt = Hunt::default();
        hunt.workers = 2;
        hunt.fields.nodes = Some(5);
        let idle = HuntView::of(&hunt, &[UnsafeRule::CommitOldTerms], 0);
        assert_eq!(idle.command, "raftsim check --seeds 20000 --unsafe commit-old-terms --nodes 5");
        assert_eq!((idle.rules.as_str(), idle.phase, idle.progress.as_ref()), ("commit-old-terms", "idle", None));
        assert_eq!(HuntView::of(&hunt, &[], 0).rules, "none");
        hunt.fields.seeds = "oops".into();
        assert!(HuntView::of(&hunt, &[], 0).command.contains("--seeds 20000"), "an unreadable budget: the last one");
        // Running: 1,000 seeds and 2,000,000 events in 4 s.
        hunt.phase = Phase::Running;
        hunt.flags = hunt.flags_with(&[]);
        (hunt.seeds_done, hunt.events, hunt.started_ms, hunt.last_ms) = (1_000, 2_000_000, 100.0, 4_100.0);
        let view = HuntView::of(&hunt, &[UnsafeRule::CommitOldTerms], 0);
        assert_eq!(view.command, "raftsim check --seeds 20000 --nodes 5", "the hunt's own settings");
        assert!(view.active);
        assert_eq!(
            view.progress.as_deref(),
            Some("1,000 of 20,000 seeds, 2,000,000 events · 250 seeds/s, 500,000 events/s · Web Workers: 2 · about 76 s left")
        );
        hunt.phase = Phase::Nothing;
        let done = HuntView::of(&hunt, &[UnsafeRule::ForgetVote], 0);
        assert_eq!(done.command, "raftsim check --seeds 20000 --unsafe forget-vote --nodes 5", "what Start runs now");
        assert_eq!(
            done.outcome.unwrap().text,
            "Found nothing: 1,000 seeds and 2,000,000 events ran in 4.0 s, and every property held."
        );
    }
}
