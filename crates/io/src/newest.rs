//! Newest request wins: a query that a newer one of the same key supersedes (a chart for
//! another range, the next SLO's charts, a pod's metrics read again) is aborted when the
//! newer one starts, so a slow old answer can never overwrite a fresh one and finished
//! work does not pile up.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;

use tokio::task::{AbortHandle, JoinSet};

/// The running task of each key.
#[derive(Debug)]
pub struct NewestWins<K> {
    running: HashMap<K, AbortHandle>,
}

impl<K: Eq + Hash> Default for NewestWins<K> {
    fn default() -> Self {
        NewestWins {
            running: HashMap::new(),
        }
    }
}

impl<K: Eq + Hash> NewestWins<K> {
    /// Spawns `task` on `tasks` as the one running task of `key`, aborting the previous one.
    pub fn spawn<F>(&mut self, tasks: &mut JoinSet<()>, key: K, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.running.retain(|_, handle| !handle.is_finished());
        if let Some(previous) = self.running.remove(&key) {
            previous.abort();
        }
        let handle = tasks.spawn(task);
        self.running.insert(key, handle);
    }

    /// Keys with a task still running.
    pub fn running(&self) -> usize {
        self.running.values().filter(|h| !h.is_finished()).count()
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;

    use super::*;

    #[tokio::test]
    async fn a_newer_request_of_the_same_key_aborts_the_older_one() {
        let mut tasks = JoinSet::new();
        let mut newest = NewestWins::default();
        let (tx, mut rx) = mpsc::channel(4);
        let (gate_tx, gate_rx) = tokio::sync::oneshot::channel::<()>();
        let old = tx.clone();
        newest.spawn(&mut tasks, "chart", async move {
            // Would answer after the newer request: it must never get to.
            let _ = gate_rx.await;
            let _ = old.send("old chart").await;
        });
        let other = tx.clone();
        newest.spawn(&mut tasks, "slo", async move {
            let _ = other.send("slo chart").await;
        });
        newest.spawn(&mut tasks, "chart", async move {
            let _ = tx.send("new chart").await;
        });
        let _ = gate_tx.send(());
        let mut cancelled = 0;
        while let Some(joined) = tasks.join_next().await {
            if joined.is_err_and(|e| e.is_cancelled()) {
                cancelled += 1;
            }
        }
        let mut answers = Vec::new();
        while let Ok(answer) = rx.try_recv() {
            answers.push(answer);
        }
        answers.sort();
        assert_eq!(answers, ["new chart", "slo chart"]);
        assert_eq!(cancelled, 1);
        assert_eq!(newest.running(), 0);
    }
}
