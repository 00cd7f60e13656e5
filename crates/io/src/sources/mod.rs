//! Async IO that feeds the console's model, one task per (cluster, source).

pub mod alertmanager;
pub mod endpoint;
pub mod exposition;
pub mod kube;
pub mod prometheus;
pub mod retry;
pub mod target;

use tokio::sync::mpsc;

use watchdeck_core::cluster::ClusterId;
use watchdeck_core::event::{DataEvent, Payload};

/// One (cluster, source) task's line to the app loop. The loop restamps `at` with its own
/// clock (the simulator's in demo mode), so data ages and the screen agree.
#[derive(Debug, Clone)]
pub struct ToApp {
    cluster: ClusterId,
    tx: mpsc::Sender<DataEvent>,
}

impl ToApp {
    pub fn new(cluster: ClusterId, tx: mpsc::Sender<DataEvent>) -> Self {
        Self { cluster, tx }
    }

    /// Sends a payload, waiting while the bounded channel is full; false once the app has
    /// gone, so the source can stop.
    pub async fn send(&self, payload: Payload) -> bool {
        let event = DataEvent {
            cluster: self.cluster,
            at: jiff::Timestamp::now(),
            payload,
        };
        self.tx.send(event).await.is_ok()
    }
}
