//! The failure detector's trade-off figure: one row per timeout (raft-sim's sweep of the open
//! scenario, the same runs with only the timeout changed), each with its false suspicions and
//! wrongly-suspected time, its detection time, and bars scaled to the largest of each, so that
//! the two columns are seen to move apart as the timeout grows. Plain data for the component.
use raft_sim::protocols::detector::sweep::SweepRow;

#[derive(Clone, Debug, PartialEq)]
pub struct SweepRowView {
    pub timeout: String,
    pub false_suspicions: String,
    pub wrongly_suspected: String,
    pub detection: String,
    /// Bar lengths, 0 to 100 (percent of the column's largest).
    pub wrong_bar: f64,
    pub detection_bar: f64,
    /// The open run's own timeout.
    pub current: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SweepView {
    pub rows: Vec<SweepRowView>,
    /// Whether any row detected a crash (else the detection column is left out).
    pub has_crash: bool,
}

fn ms(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0} ms")
    } else {
        format!("{x:.1} ms")
    }
}

impl SweepView {
    pub fn of(rows: &[SweepRow], current_timeout_ms: f64) -> SweepView {
        let wrong_max = rows.iter().map(|r| r.wrongly_suspected_ms).fold(0.0, f64::max);
        let detect_max = rows.iter().filter_map(|r| r.detection_mean_ms).fold(0.0, f64::max);
        let share = |x: f64, max: f64| if max > 0.0 { (x / max * 100.0).clamp(0.0, 100.0) } else { 0.0 };
        SweepView {
            rows: rows
                .iter()
                .map(|r| SweepRowView {
                    timeout: ms(r.timeout_ms),
                    false_suspicions: r.false_suspicions.to_string(),
                    wrongly_suspected: ms(r.wrongly_suspected_ms),
                    detection: r.detection_mean_ms.map_or("–".to_string(), ms),
                    wrong_bar: share(r.wrongly_suspected_ms, wrong_max),
                    detection_bar: share(r.detection_mean_ms.unwrap_or(0.0), detect_max),
                    current: r.timeout_ms == current_timeout_ms,
                })
                .collect(),
            has_crash: rows.iter().any(|r| r.detected > 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tradeoff_builtins_rows_scale_their_bars_and_mark_the_runs_timeout() {
        let s = raft_sim::protocols::detector::builtin::by_name("fd-tradeoff").expect("a built-in");
        let value: serde_json::Value =
            serde_json::from_str(include_str!("../../../raft-sim/scenarios/fd-tradeoff.json")).expect("json");
        let rows = raft_sim::protocols::detector::sweep::figure(&value, 1_500).expect("a figure");
        let v = SweepView::of(&rows, s.timeout_ms);
        let timeouts: Vec<&str> = v.rows.iter().map(|r| r.timeout.as_str()).collect();
        assert_eq!(timeouts, ["60 ms", "80 ms", "100 ms", "150 ms", "200 ms", "300 ms", "400 ms"]);
        assert!(v.has_crash);
        let (first, last) = (&v.rows[0], &v.rows[6]);
        assert_eq!((first.false_suspicions.as_str(), first.wrong_bar), ("67", 100.0));
        assert_eq!((last.false_suspicions.as_str(), last.wrong_bar, last.detection_bar), ("0", 0.0, 100.0));
        assert_eq!(last.detection, "385.6 ms");
        assert!(v.rows.windows(2).all(|w| w[0].detection_bar < w[1].detection_bar && w[0].wrong_bar >= w[1].wrong_bar));
        assert_eq!(v.rows.iter().filter(|r| r.current).map(|r| r.timeout.as_str()).collect::<Vec<_>>(), ["100 ms"]);
    }
}
