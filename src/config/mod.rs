//! Configuration: clusters and their endpoints, from TOML.
