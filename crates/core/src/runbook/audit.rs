//! One audit line. Never holds a secret: parameters are validated names and numbers, diffs
//! are recorded by digest, and no header or token passes through here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Whether this line is written before execution (the intent, with every confirmation) or
/// after it (the result).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditPhase {
    /// Confirmed and about to execute: written and flushed before the request is sent.
    Attempt,
    /// Executed (or failed, or unknown): written and flushed after.
    Result,
    /// Not executed: refused by a guard, declined, denied, or dry run only.
    Refused,
}

/// Who acted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Who {
    /// The Kubernetes identity from SelfSubjectReview (`system:admin`), when known.
    pub kubernetes: Option<String>,
    /// The operating-system user running watchdeck.
    pub os_user: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Shared by the attempt and result lines of one action: `{run}-{step}-{attempt}`.
    pub action_id: String,
    pub phase: AuditPhase,
    /// RFC 3339, UTC.
    pub at: String,
    pub who: Who,
    /// Cluster name and kubeconfig context; empty for actions outside Kubernetes.
    pub cluster: String,
    pub context: String,
    pub namespace: String,
    /// `deployment/payment`, `silence`, `command/aws-rds-promote`, ...
    pub object: String,
    pub verb: String,
    /// The runbook and step, or `action` for a direct action from a view.
    pub runbook: String,
    pub step: String,
    pub params: BTreeMap<String, String>,
    /// SHA-256 of the diff shown, hex.
    pub diff_digest: Option<String>,
    /// Every confirmation given, as typed (`us-east-1/shop/payment`, `yes`, `--yes`).
    pub confirmations: Vec<String>,
    /// `ok`, `failed: ...`, `unknown: ...`, `refused: ...`, `dry run`, or for an attempt
    /// `started`.
    pub result: String,
    pub resource_version_before: Option<String>,
    pub resource_version_after: Option<String>,
    /// The alert that led here (`HighErrorRate{service="payment"}`), when the run started
    /// from one.
    pub alert: Option<String>,
    pub dry_run: bool,
}
