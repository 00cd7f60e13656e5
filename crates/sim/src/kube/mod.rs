//! The Kubernetes REST API as the simulator serves it: discovery, server-side tables,
//! list and watch, patches, dry run, access reviews and the pod proxy.

pub mod discovery;
pub mod http;
pub mod patch;
pub mod protobuf;
pub mod pyrra;
pub mod read;
pub mod review;
pub mod selector;
pub mod service_proxy;
pub mod store;
pub mod table;
pub mod watch;
pub mod write;
