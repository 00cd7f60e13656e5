//! Play tests.
