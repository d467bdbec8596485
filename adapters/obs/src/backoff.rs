//! Reconnect delays: 0.5 s doubling up to a cap, with jitter so several clients restarting
//! together do not hit OBS in lockstep.

use std::time::Duration;

const FIRST: Duration = Duration::from_millis(500);

#[derive(Debug)]
pub(crate) struct Backoff {
    attempt: u32,
    cap: Duration,
}

impl Backoff {
    pub fn new(cap: Duration) -> Self {
        Self { attempt: 0, cap }
    }

    pub fn set_cap(&mut self, cap: Duration) {
        self.cap = cap;
    }

    /// Back to 0.5 s; called after a healthy connection or an explicit reconnect.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The next delay: nominal = min(0.5 s · 2^n, cap), then scaled by a random 0.8–1.0 so it
    /// never exceeds the cap.
    pub fn next_delay(&mut self) -> Duration {
        let nominal = FIRST
            .checked_mul(1u32 << self.attempt.min(16))
            .unwrap_or(self.cap)
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        nominal.mul_f64(0.8 + 0.2 * fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(10));
        let d: Vec<Duration> = (0..8).map(|_| b.next_delay()).collect();
        let nominal = [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0];
        for (got, want) in d.iter().zip(nominal) {
            let got = got.as_secs_f64();
            assert!(
                got <= want + 1e-9 && got >= want * 0.8 - 1e-9,
                "{got} vs {want}"
            );
        }
        b.reset();
        assert!(b.next_delay() <= FIRST);
    }
}
