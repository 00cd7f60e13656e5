//! Where the console's "now" comes from: the wall clock, or the simulator's virtual clock when
//! the console runs on the simulated fleet (whose time may run faster than real time).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

/// The simulator's virtual "now" (milliseconds since the Unix epoch), shared by its world
/// (writer), its HTTP handlers and the console (readers).
#[derive(Clone, Debug)]
pub struct VirtualNow(Arc<AtomicI64>);

impl VirtualNow {
    pub fn new(start: i64) -> Self {
        Self(Arc::new(AtomicI64::new(start)))
    }

    pub fn get(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }

    pub fn set(&self, now: i64) {
        self.0.store(now, Ordering::Release);
    }
}

#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    Wall,
    Virtual(VirtualNow),
}

impl Clock {
    pub fn now(&self) -> Timestamp {
        match self {
            Clock::Wall => Timestamp::now(),
            Clock::Virtual(now) => {
                Timestamp::from_millisecond(now.get()).unwrap_or_else(|_| Timestamp::now())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clock_follows_the_simulator() {
        let virtual_now = VirtualNow::new(1_767_225_600_000);
        let clock = Clock::Virtual(virtual_now.clone());
        assert_eq!(clock.now().as_millisecond(), 1_767_225_600_000);
        virtual_now.set(1_767_225_660_000);
        assert_eq!(clock.now().to_string(), "2026-01-01T00:01:00Z");
    }
}
