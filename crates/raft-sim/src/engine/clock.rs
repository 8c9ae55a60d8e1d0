//! A node's local clock under drift: local time runs at (1 + drift) times virtual time.
//! Integer arithmetic only, so every platform computes the same instants.
use raft_core::Micros;

const PPM: i128 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriftClock {
    global_base: Micros,
    local_base: Micros,
    /// Rate in parts per million of virtual time (1_000_000 = exact).
    rate_ppm: i128,
}

impl DriftClock {
    pub fn new(drift: f64) -> DriftClock {
        DriftClock { global_base: 0, local_base: 0, rate_ppm: rate(drift) }
    }

    /// Local clock reading at virtual time `t` (t >= the last rebase).
    pub fn local(&self, t: Micros) -> Micros {
        let dt = t.saturating_sub(self.global_base) as i128;
        self.local_base + (dt * self.rate_ppm / PPM) as Micros
    }

    /// The earliest virtual time at which the local clock reads at least `local`.
    pub fn global(&self, local: Micros) -> Micros {
        if local <= self.local_base {
            return self.global_base;
        }
        let dl = (local - self.local_base) as i128;
        let mut t = self.global_base + ((dl * PPM + self.rate_ppm - 1) / self.rate_ppm) as Micros;
        while self.local(t) < local {
            t += 1;
        }
        t
    }

    /// Change the drift from virtual time `now` on, keeping the clock continuous.
    pub fn set_drift(&mut self, now: Micros, drift: f64) {
        self.local_base = self.local(now);
        self.global_base = now;
        self.rate_ppm = rate(drift);
    }
}

fn rate(drift: f64) -> i128 {
    let drift = if drift.is_finite() { drift.clamp(-0.5, 0.5) } else { 0.0 };
    PPM + (drift * PPM as f64).round() as i128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_clock_fires_early_and_round_trips() {
        let c = DriftClock::new(0.1);
        assert_eq!(c.local(1_000_000), 1_100_000);
        let g = c.global(1_100_000);
        assert!(c.local(g) >= 1_100_000 && c.local(g - 1) < 1_100_000);
        assert_eq!(g, 1_000_000);
    }

    #[test]
    fn slow_clock_and_rebase_are_continuous() {
        let mut c = DriftClock::new(-0.2);
        assert_eq!(c.local(1_000), 800);
        c.set_drift(1_000, 0.0);
        assert_eq!(c.local(1_000), 800);
        assert_eq!(c.local(2_000), 1_800);
        for local in [801, 1_000, 5_555] {
            let g = c.global(local);
            assert!(c.local(g) >= local);
        }
    }
}
