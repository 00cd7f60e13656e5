//! Whole screens composed from widgets: the dashboard and the help overlay.

pub mod dashboard;
pub mod help;
