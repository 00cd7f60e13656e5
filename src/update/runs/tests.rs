//! Run tests (filled below).
