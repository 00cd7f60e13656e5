//! JSON merge patch (RFC 7386) and JSON patch (RFC 6902) through the `json-patch` crate, and
//! the strategic merge patch kubectl sends.
//!
//! The PATCH handler's steps, as the API server's `handlers/patch.go` does them:
//! 1. `PatchType::negotiate(content_type, strategic)` with `strategic = schema.is_some()`
//!    (`PatchSchema::for_kind`); custom resources (CNPG `Cluster`) do not take strategic merge
//!    patches, and server-side apply is answered with a clear 415.
//! 2. Parse the body as JSON (a parse failure is `400 BadRequest` with the parser's message).
//! 3. `apply_patch(&mut object, patch_type, &body, schema)`; every function here is atomic:
//!    on error the target is unchanged.
//! 4. On error answer `err.status_object()` with HTTP `err.status().code`.
//!
//! What kubectl 1.32 sends:
//! - `kubectl scale deploy/x --replicas=N`: `PATCH .../deployments/x/scale`,
//!   `application/merge-patch+json`, body `{"spec":{"replicas":N}}` (with `--current-replicas`
//!   or `--resource-version` it GETs the Scale and PUTs it back instead).
//! - `kubectl rollout restart`: strategic merge patch
//!   `{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"<RFC3339>"}}}}}`.
//! - `kubectl set image deploy/x c=img`: strategic merge patch
//!   `{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"}],"containers":[{"image":"img","name":"c"}]}}}}`.
//! - `kubectl rollout undo`: JSON patch replacing `/spec/template` (the ReplicaSet's template
//!   without the `pod-template-hash` label) and `/metadata/annotations`.
//! - `kubectl edit` / client-side `kubectl apply`: strategic merge patches for built-in kinds,
//!   merge patches for custom resources.

mod json_patch;
mod schema;
mod strategic;

use serde_json::{Value, json};

pub use json_patch::apply_json_patch;
pub use schema::{ListStrategy, PatchSchema};
pub use strategic::apply_strategic_merge_patch;

/// The PATCH body formats, named by their `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply; not served).
    Apply,
}

impl PatchType {
    /// Maps a `Content-Type` (parameters such as `; charset=utf-8` are ignored) to a patch type.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let media = content_type.split(';').next().unwrap_or_default().trim();
        Some(match media.to_ascii_lowercase().as_str() {
            "application/json-patch+json" => Self::Json,
            "application/merge-patch+json" => Self::Merge,
            "application/strategic-merge-patch+json" => Self::Strategic,
            "application/apply-patch+yaml" => Self::Apply,
            _ => return None,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json-patch+json",
            Self::Merge => "application/merge-patch+json",
            Self::Strategic => "application/strategic-merge-patch+json",
            Self::Apply => "application/apply-patch+yaml",
        }
    }

    /// The patch type for a request, or the 415 the API server answers. `strategic` is false
    /// for custom resources, which accept only JSON and merge patches.
    pub fn negotiate(content_type: &str, strategic: bool) -> Result<Self, PatchError> {
        match Self::from_content_type(content_type) {
            Some(Self::Apply) => Err(PatchError::ApplyUnsupported),
            Some(Self::Strategic) if !strategic => {
                Err(PatchError::UnsupportedMediaType { strategic })
            }
            Some(t) => Ok(t),
            None => Err(PatchError::UnsupportedMediaType { strategic }),
        }
    }
}

/// Why a patch was refused; `status()` gives the Status the API server would send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error("{}", unsupported_media_message(*strategic))]
    UnsupportedMediaType { strategic: bool },
    #[error(
        "server-side apply (application/apply-patch+yaml) is not supported by this simulated API server; use client-side `kubectl apply` (without --server-side)"
    )]
    ApplyUnsupported,
    /// A malformed patch document (HTTP 400).
    #[error("{0}")]
    BadRequest(String),
    /// A well-formed JSON patch that does not apply (HTTP 422).
    #[error("{0}")]
    Invalid(String),
    /// Errors the API server does not classify, surfaced as HTTP 500.
    #[error("{0}")]
    Internal(String),
}

fn unsupported_media_message(strategic: bool) -> String {
    let types = if strategic {
        "application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
    } else {
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    };
    format!(
        "the body of the request was in an unknown format - accepted media types include: {types}"
    )
}

/// The `code`, `reason` and `message` of a `meta/v1` Status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
}

impl PatchError {
    pub fn status(&self) -> StatusInfo {
        let (code, reason, message) = match self {
            Self::UnsupportedMediaType { .. } | Self::ApplyUnsupported => {
                (415, "UnsupportedMediaType", self.to_string())
            }
            Self::BadRequest(m) => (400, "BadRequest", m.clone()),
            // NewGenericServerResponse(422) drops the detail: kubectl prints "The request is
            // invalid: the server rejected our request due to an error in our request".
            Self::Invalid(_) => (
                422,
                "Invalid",
                "the server rejected our request due to an error in our request".to_string(),
            ),
            Self::Internal(m) => (500, "", m.clone()),
        };
        StatusInfo {
            code,
            reason,
            message,
        }
    }

    /// The full `v1` Status object for the response body.
    pub fn status_object(&self) -> Value {
        let StatusInfo {
            code,
            reason,
            message,
        } = self.status();
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "code": code,
        });
        // As the API server's generic responses (415, 422) have it; a bad request has none.
        if matches!(code, 415 | 422) {
            status["details"] = json!({});
        }
        if !reason.is_empty() {
            status["reason"] = json!(reason);
        }
        status
    }
}

/// Applies a parsed patch body of the given type. `schema` is required for strategic patches.
pub fn apply_patch(
    target: &mut Value,
    patch_type: PatchType,
    patch: &Value,
    schema: Option<PatchSchema>,
) -> Result<(), PatchError> {
    match (patch_type, schema) {
        // RFC 7386: objects merge recursively, `null` deletes, anything else replaces.
        (PatchType::Merge, _) => {
            ::json_patch::merge(target, patch);
            Ok(())
        }
        (PatchType::Json, _) => apply_json_patch(target, patch),
        (PatchType::Strategic, Some(schema)) => apply_strategic_merge_patch(target, patch, schema),
        (PatchType::Strategic, None) => Err(PatchError::UnsupportedMediaType { strategic: false }),
        (PatchType::Apply, _) => Err(PatchError::ApplyUnsupported),
    }
}

#[cfg(test)]
mod tests;
