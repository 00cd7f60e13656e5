//! Exit codes of `watchdeck check`, in one place so `--help`, the README and the code agree.

/// Healthy: every source answered, nothing firing, every workload up.
pub const OK: u8 = 0;
/// Warnings: a warning alert, a stale source, pods pending or not ready.
pub const WARNING: u8 = 1;
/// Critical alerts or unhealthy workloads (crash-looping or failed pods).
pub const CRITICAL: u8 = 2;
/// A source could not be reached: the snapshot is incomplete.
pub const UNREACHABLE: u8 = 3;
/// A bad option or an invalid config file (BSD `EX_USAGE`), so that 1-3 always mean findings.
pub const USAGE: u8 = 64;
/// Something broke inside watchdeck (BSD `EX_SOFTWARE`).
pub const INTERNAL: u8 = 70;
