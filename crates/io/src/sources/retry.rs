//! What the sources share: jittered exponential backoff and short failure reasons
//! ("connection refused", "timeout") from error chains.

use std::error::Error;
use std::io::ErrorKind;
use std::time::Duration;

/// Exponential backoff with ±25% jitter, so clusters that fail together do not retry in step.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    attempt: u32,
    seed: u64,
}

impl Backoff {
    /// `seed` decorrelates sources (use the cluster index and the source).
    pub fn new(base: Duration, max: Duration, seed: u64) -> Self {
        let clock = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() as u64)
            .unwrap_or(0);
        Backoff {
            base,
            max,
            attempt: 0,
            seed: (seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ clock) | 1,
        }
    }

    /// The next delay: base × 2^attempt, capped at max, with jitter.
    pub fn next_delay(&mut self) -> Duration {
        let factor = 1u32 << self.attempt.min(16);
        self.attempt = self.attempt.saturating_add(1);
        let plain = self.base.saturating_mul(factor).min(self.max);
        // xorshift64*
        self.seed ^= self.seed >> 12;
        self.seed ^= self.seed << 25;
        self.seed ^= self.seed >> 27;
        let random = self.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
        let unit = random as f64 / (1u64 << 53) as f64; // [0, 1)
        plain.mul_f64(0.75 + unit * 0.5)
    }

    /// Back to the base delay after a success.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// A short reason for a failure, from the whole error chain: "connection refused", "timeout",
/// "connection reset", else the innermost message.
pub fn describe(err: &(dyn Error + 'static)) -> String {
    let mut current: Option<&(dyn Error + 'static)> = Some(err);
    let mut innermost = err.to_string();
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                ErrorKind::ConnectionRefused => return "connection refused".to_string(),
                ErrorKind::TimedOut => return "timeout".to_string(),
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe => {
                    return "connection reset".to_string();
                }
                ErrorKind::UnexpectedEof => return "connection closed".to_string(),
                _ => {}
            }
        }
        if e.downcast_ref::<tokio::time::error::Elapsed>().is_some() {
            return "timeout".to_string();
        }
        let message = e.to_string();
        let lower = message.to_ascii_lowercase();
        if lower.contains("timed out") || lower.contains("deadline has elapsed") {
            return "timeout".to_string();
        }
        if lower.contains("connection refused") {
            return "connection refused".to_string();
        }
        if lower.contains("dns error") || lower.contains("failed to lookup address") {
            return format!("DNS: {message}");
        }
        innermost = message;
        current = e.source();
    }
    innermost
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_resets() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(30), 7);
        let delays: Vec<Duration> = (0..8).map(|_| backoff.next_delay()).collect();
        assert!(
            delays[0] >= Duration::from_millis(750) && delays[0] <= Duration::from_millis(1250),
            "{delays:?}"
        );
        assert!(
            delays[3] >= Duration::from_secs(6) && delays[3] <= Duration::from_secs(10),
            "{delays:?}"
        );
        assert!(delays[7] <= Duration::from_millis(37_500), "{delays:?}");
        assert!(delays[7] >= Duration::from_millis(22_500), "{delays:?}");
        backoff.reset();
        assert!(backoff.next_delay() <= Duration::from_millis(1250));
    }

    #[test]
    fn describe_finds_io_kinds_in_chain() {
        #[derive(Debug, thiserror::Error)]
        #[error("request failed")]
        struct Outer(#[source] std::io::Error);
        let refused = Outer(std::io::Error::new(
            ErrorKind::ConnectionRefused,
            "os error 111",
        ));
        assert_eq!(describe(&refused), "connection refused");
        let timeout = Outer(std::io::Error::new(ErrorKind::TimedOut, "x"));
        assert_eq!(describe(&timeout), "timeout");
        let other = Outer(std::io::Error::other("certificate expired"));
        assert_eq!(describe(&other), "certificate expired");
    }
}
