//! The Kubernetes REST API as the simulator serves it.
