//! Overlays drawn over a screen: the `:` command palette.

pub mod palette;
