//! Expiring a silence on the user's behalf (DELETE `/api/v2/silence/{id}`) on one replica,
//! read back from the same replica (GET `/api/v2/silence/{id}`) so the console shows what
//! the Alertmanager really holds. Creating one is a runbook mutation (`runbook::ops::silence`).

use super::client::AmHttp;
use super::wire::parse_silence;
use crate::model::silence::Silence;

/// The path of one silence; ids are UUIDs, anything else is refused rather than sent.
fn silence_path(id: &str) -> Result<String, String> {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("not a silence id: {id:?}"));
    }
    Ok(format!("/api/v2/silence/{id}"))
}

/// Reads one silence back from `am`.
pub async fn read_back(am: &AmHttp, replica: usize, id: &str) -> Result<Silence, String> {
    let body = am
        .get(&silence_path(id)?, &[])
        .await
        .map_err(|e| format!("reading silence {id} back from {}: {e}", am.base()))?;
    parse_silence(&body, replica)
}

/// Expires silence `id` on `am`, then reads it back (its state is then `expired`).
pub async fn expire(am: &AmHttp, replica: usize, id: &str) -> Result<Silence, String> {
    am.delete(&silence_path(id)?)
        .await
        .map_err(|e| format!("expiring silence {id} on {}: {e}", am.base()))?;
    read_back(am, replica, id).await
}
