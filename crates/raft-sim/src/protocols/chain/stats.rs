//! What a run measures: each request's latency (from the client's first send to its first
//! answer), the throughput (requests answered within the measurement window, per second), and
//! how busy each server was (its utilisation: the share of the window it spent working).
use serde::Serialize;

/// One answered request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    pub write: bool,
    pub sent_us: u64,
    pub answered_us: u64,
}

/// The latencies of one kind of request, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    pub count: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// Nearest-rank percentiles of the latencies (in µs; sorted here).
    pub fn of(mut us: Vec<u64>) -> Latency {
        if us.is_empty() {
            return Latency::default();
        }
        us.sort_unstable();
        let n = us.len();
        let rank = |p: u64| us[((p as usize * n).div_ceil(100)).clamp(1, n) - 1] as f64 / 1000.0;
        Latency {
            count: n,
            mean_ms: us.iter().sum::<u64>() as f64 / n as f64 / 1000.0,
            p50_ms: rank(50),
            p99_ms: rank(99),
            max_ms: us[n - 1] as f64 / 1000.0,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    pub sent: usize,
    pub answered: usize,
    pub writes: Latency,
    pub reads: Latency,
    /// Requests answered within the window, per second of the window.
    pub throughput_per_s: f64,
    /// The server that was busiest within the window, and the share of it it worked.
    pub busiest_server: u32,
    pub busiest_utilisation: f64,
}

impl Stats {
    /// `window`: the workload's span in µs (the whole run without a workload); `busy`: each
    /// server's utilisation, S1 first.
    pub fn of(done: &[Done], sent: usize, window: (u64, u64), busy: &[f64]) -> Stats {
        let lat = |write: bool| {
            Latency::of(done.iter().filter(|d| d.write == write).map(|d| d.answered_us - d.sent_us).collect())
        };
        let span = window.1.saturating_sub(window.0).max(1);
        let within = done.iter().filter(|d| d.answered_us >= window.0 && d.answered_us <= window.1).count();
        let (busiest, most) =
            busy.iter()
                .enumerate()
                .fold((0, 0.0f64), |(bi, bv), (i, &v)| if v > bv { (i as u32 + 1, v) } else { (bi, bv) });
        Stats {
            sent,
            answered: done.len(),
            writes: lat(true),
            reads: lat(false),
            throughput_per_s: within as f64 * 1_000_000.0 / span as f64,
            busiest_server: if busiest == 0 { 1 } else { busiest },
            busiest_utilisation: most,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_and_throughput_counts_the_window() {
        let l = Latency::of((1..=100).map(|x| x * 1000).collect());
        assert_eq!((l.count, l.p50_ms, l.p99_ms, l.max_ms), (100, 50.0, 99.0, 100.0));
        assert_eq!(l.mean_ms, 50.5);
        assert_eq!(Latency::of(vec![]), Latency::default());
        let d = |a| Done { write: true, sent_us: 0, answered_us: a };
        let s = Stats::of(&[d(500_000), d(900_000), d(1_500_000)], 3, (0, 1_000_000), &[0.2, 0.7, 0.1]);
        assert_eq!((s.throughput_per_s, s.busiest_server, s.busiest_utilisation), (2.0, 2, 0.7));
    }
}
