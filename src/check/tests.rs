//! Tests of the report, its exit status and its three formats.
