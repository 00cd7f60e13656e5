//! The audit log: one JSON line per attempt and per result of every action, appended to a
//! file created with mode 0600 and flushed to disk (fsync) before an action executes and
//! after it ends, so a killed process never leaves a half-written line or an unrecorded
//! mutation. `watchdeck audit` lists it.

pub mod file;
pub mod list;
pub mod record;
pub mod who;
