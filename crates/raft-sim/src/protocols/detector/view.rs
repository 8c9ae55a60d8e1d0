//! Failure detection on the stage: the processes around a circle, each with whom it suspects
//! (a live one in the "bad" tone: a false suspicion), its timeouts, its heartbeats and, when its
//! clock drifts, the drift and its local time; a process that others wrongly suspect wears the
//! "suspected" badge, a crashed one "crashed" until every correct process suspects it, then
//! "detected". The run's facts are the measured accuracy and completeness so far.
//!
//! Badges (`proto.badge.ID`): `suspected`, `crashed`, `detected`. Facts (`proto.fact.ID`):
//! `suspects`, `timeout`, `heartbeats`, `drift`, `clock`; for the run `heartbeat`, `timeout`,
//! `increase`, `false-suspicions`, `wrongly-suspected`, `detection-mean`, `detection-max`,
//! `undetected`.
use super::checks::{FdProperty, PROPERTIES};
use super::message::Heartbeat;
use super::scenario::FdScenario;
use super::Detector;
use crate::engine::network::Endpoint;
use crate::protocols::view::{ms, Broken, CheckView, Fact, Layout, NodeView, Status, Tone, View};
use crate::scenario::format::ms_to_us;
use crate::scenario::protocol::FAILURE_DETECTOR;

pub fn property_name(p: FdProperty) -> &'static str {
    match p {
        FdProperty::StrongCompleteness => "StrongCompleteness",
        FdProperty::StrongAccuracy => "StrongAccuracy",
        FdProperty::EventualStrongAccuracy => "EventualStrongAccuracy",
    }
}

/// Milliseconds as a number, without its unit (for lists that end in one).
fn number(us: u64) -> String {
    ms(us).trim_end_matches(" ms").to_string()
}

impl View for Detector {
    type Scenario = FdScenario;
    const PROTOCOL: &'static str = FAILURE_DETECTOR;

    fn open(s: &FdScenario) -> Self {
        Detector::new(s)
    }

    fn scenario_name(&self) -> &str {
        &self.scenario.name
    }

    fn layout(&self) -> Layout {
        Layout::Ring
    }

    fn nodes(&self) -> Vec<NodeView> {
        let now = self.kernel.now();
        let crashed = |q: u32| self.procs.get(q as usize - 1).is_some_and(|x| x.crashed_at.is_some());
        // Who suspects each process, among the correct ones.
        let suspected_by = |q: u32| -> (usize, usize) {
            let correct = self.procs.iter().enumerate().filter(|(i, x)| *i as u32 + 1 != q && x.crashed_at.is_none());
            correct.fold((0, 0), |(yes, all), (_, x)| {
                (yes + x.watch.get(&q).is_some_and(|w| w.suspected.is_some()) as usize, all + 1)
            })
        };
        self.procs
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let id = i as u32 + 1;
                let (by, correct) = suspected_by(id);
                let (badge, tone) = match (x.crashed_at, by) {
                    (Some(_), b) if b == correct => (Some("detected"), Tone::Good),
                    (Some(_), _) => (Some("crashed"), Tone::Bad),
                    (None, 0) => (None, Tone::Plain),
                    (None, _) => (Some("suspected"), Tone::Bad),
                };
                let mut facts = Vec::new();
                let suspects: Vec<u32> =
                    x.watch.iter().filter(|(_, w)| w.suspected.is_some()).map(|(&q, _)| q).collect();
                if !suspects.is_empty() {
                    let wrong = suspects.iter().any(|&q| !crashed(q));
                    let list: Vec<String> = suspects.iter().map(|q| format!("P{q}")).collect();
                    facts.push(Fact::toned("suspects", list.join(", "), if wrong { Tone::Bad } else { Tone::Warn }));
                }
                let timeouts: Vec<u64> = x.watch.values().map(|w| w.timeout_us).collect();
                let timeout = if timeouts.windows(2).all(|p| p[0] == p[1]) {
                    ms(timeouts.first().copied().unwrap_or(0))
                } else {
                    let each: Vec<String> =
                        x.watch.iter().map(|(q, w)| format!("P{q} {}", number(w.timeout_us))).collect();
                    format!("{} ms", each.join(", "))
                };
                facts.push(Fact::new("timeout", timeout));
                facts.push(Fact::new("heartbeats", x.seq.to_string()));
                if x.drift != 0.0 {
                    facts.push(Fact::toned("drift", format!("{:+}", x.drift), Tone::Warn));
                    facts.push(Fact::new("clock", ms(x.clock.local(now))));
                }
                NodeView {
                    at: Endpoint::Node(id),
                    name: format!("P{id}"),
                    status: if x.crashed_at.is_some() {
                        Status::Crashed
                    } else if x.paused {
                        Status::Paused
                    } else {
                        Status::Up
                    },
                    badge,
                    tone,
                    facts,
                }
            })
            .collect()
    }

    fn words(m: &Heartbeat) -> (&'static str, String) {
        ("Heartbeat", format!("#{}", m.seq))
    }

    fn checks(&self) -> Vec<CheckView> {
        PROPERTIES
            .into_iter()
            .map(|property| CheckView {
                property: property_name(property),
                broken: self.violations.iter().find(|v| v.property == property).map(|v| Broken {
                    at_us: ms_to_us(v.at_ms),
                    event: v.event,
                    detail: v.detail.clone(),
                }),
            })
            .collect()
    }

    fn facts(&self) -> Vec<Fact> {
        let s = &self.scenario;
        let m = self.metrics_until(self.kernel.now());
        let mut facts = vec![
            Fact::new("heartbeat", ms(ms_to_us(s.heartbeat_ms))),
            Fact::new("timeout", ms(ms_to_us(s.timeout_ms))),
        ];
        if s.adaptive {
            facts.push(Fact::new("increase", format!("+{}", ms(ms_to_us(s.increase_ms)))));
        }
        let bad = if m.false_suspicions > 0 { Tone::Bad } else { Tone::Plain };
        facts.push(Fact::toned("false-suspicions", m.false_suspicions.to_string(), bad));
        facts.push(Fact::toned("wrongly-suspected", ms(ms_to_us(m.wrongly_suspected_ms)), bad));
        if let (Some(mean), Some(max)) = (m.detection_mean_ms, m.detection_max_ms) {
            facts.push(Fact::toned("detection-mean", ms(ms_to_us(mean)), Tone::Good));
            facts.push(Fact::toned("detection-max", ms(ms_to_us(max)), Tone::Good));
        }
        if m.undetected > 0 {
            facts.push(Fact::toned("undetected", m.undetected.to_string(), Tone::Warn));
        }
        facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::kernel;

    #[test]
    fn the_stage_shows_the_paused_process_wrongly_suspected_then_the_crash_detected() {
        let s = crate::protocols::detector::builtin::by_name("fd-pause-false-suspicion").expect("a built-in");
        let mut d = Detector::new(&s);
        let at = |d: &mut Detector, ms: u64| {
            while d.kernel.now() < ms * 1000 && kernel::step_until(d, ms * 1000) {}
            d.nodes()
        };
        let n = at(&mut d, 750);
        assert_eq!(n[2].status, Status::Paused);
        assert_eq!((n[2].badge, n[2].tone), (Some("suspected"), Tone::Bad));
        let suspects = n[0].facts.iter().find(|f| f.label == "suspects").expect("P1 suspects");
        assert_eq!((suspects.value.as_str(), suspects.tone), ("P3", Tone::Bad));
        assert!(d.facts().iter().any(|f| f.label == "false-suspicions" && f.value == "3"), "{:?}", d.facts());
        let n = at(&mut d, 1000);
        assert_eq!((n[2].status, n[2].badge), (Status::Up, None), "resumed, no longer suspected");
        let n = at(&mut d, 2050);
        assert_eq!((n[1].status, n[1].badge), (Status::Crashed, Some("crashed")), "not suspected yet");
        let n = at(&mut d, 2100);
        assert_eq!((n[1].badge, n[1].tone), (Some("detected"), Tone::Good));
        let facts = d.facts();
        assert!(facts.iter().any(|f| f.label == "detection-max" && f.value == "86.4 ms"), "{facts:?}");
        let checks = d.checks();
        assert_eq!(checks.iter().map(|c| c.broken.is_some()).collect::<Vec<_>>(), [false, true, false]);
    }

    #[test]
    fn a_drifting_clock_and_grown_timeouts_are_shown() {
        let s = crate::protocols::detector::builtin::by_name("fd-drift-adaptive").expect("a built-in");
        let mut d = Detector::new(&s);
        d.run();
        let n = d.nodes();
        let fact = |i: usize, label: &str| n[i].facts.iter().find(|f| f.label == label).map(|f| f.value.clone());
        assert_eq!(fact(0, "timeout").as_deref(), Some("P2 70, P3 70, P4 80 ms"));
        assert_eq!(fact(3, "timeout").as_deref(), Some("70 ms"));
        assert_eq!(fact(3, "drift").as_deref(), Some("-0.3"));
        assert_eq!(fact(3, "clock").as_deref(), Some("2100 ms"), "3000 ms of real time on a 30% slow clock");
        assert_eq!(Detector::words(&Heartbeat { seq: 7 }), ("Heartbeat", "#7".to_string()));
    }
}
