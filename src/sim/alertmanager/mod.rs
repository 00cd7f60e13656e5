//! The Alertmanager API v2 as the simulator serves it: alerts, groups, silences that really
//! silence, inhibition and status.
