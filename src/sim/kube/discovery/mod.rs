//! Kubernetes API discovery documents for the resources the simulator serves.
