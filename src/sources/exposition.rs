//! Parsing of scraped Prometheus expositions, guarded against prometheus-parse's known label-value corruption.
