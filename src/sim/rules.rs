//! Alerting rules evaluated by the simulator itself, with pending/firing state and `for` durations.
