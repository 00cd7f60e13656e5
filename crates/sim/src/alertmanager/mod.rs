//! The Alertmanager API v2 as the simulator serves it: alerts, groups, silences that really
//! silence, inhibition and status.
//!
//! - `state`: the pure, virtual-time store (`AmState`): alerts merged by fingerprint, status.
//! - `silences`: the silence store and its lifecycle (matchers come from `watchdeck_core::matcher`).
//! - `config`: route, resolve timeout and inhibit rules; `filter`: GET query parameters.
//! - `api` and `wire`: the axum router and the OpenAPI JSON shapes.

pub mod api;
pub mod config;
pub mod filter;
pub mod silences;
pub mod state;
pub mod wire;

pub use api::{AmApiState, router};
pub use config::{AmConfig, InhibitRule};
pub use filter::AlertFilter;
pub use silences::{MatcherSpec, SilenceError, SilenceSpec, SilenceState, StoredSilence};
pub use state::{
    AlertGroup, AlertState, AlertStatus, AlertView, AmState, IncomingAlert, ReceiveError,
    StoredAlert,
};
