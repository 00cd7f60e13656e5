//! `watchdeck demo`: plays a story in the terminal.
