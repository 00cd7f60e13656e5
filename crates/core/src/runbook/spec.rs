//! What a runbook file says once parsed: its parameters, the alerts that suggest it, and its
//! steps. Fields a parameter can fill are `Field`s or `Template`s, never free text that a
//! shell or an API path would interpret.

use std::path::PathBuf;
use std::time::Duration;

/// A parsed runbook file.
#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    /// The file's stem (`rollback-bad-deploy`): what `watchdeck run` and the palette take.
    pub id: String,
    /// Where it was read from, for messages; empty for an action built in code.
    pub source: PathBuf,
    pub title: String,
    pub description: String,
    pub params: Vec<ParamSpec>,
    pub triggers: Vec<Trigger>,
    pub objectives: Objectives,
    pub steps: Vec<Step>,
}

impl Runbook {
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    /// True when an alert with this name and these labels suggests the runbook.
    pub fn suggested_by<'a>(
        &self,
        alert: &str,
        labels: impl Fn(&str) -> Option<&'a str> + Copy,
    ) -> bool {
        self.triggers.iter().any(|t| t.matches(alert, labels))
    }
}

/// Recovery objectives a runbook is measured against (regional failover: RTO 15m, RPO 5m).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Objectives {
    /// Recovery time objective: from the run's start to its last verification.
    pub rto: Option<Duration>,
    /// Recovery point objective: data at risk, read from replication lag at promotion.
    pub rpo: Option<Duration>,
}

/// One declared parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// `[a-z][a-z0-9_]*`, at most 63 characters.
    pub name: String,
    pub kind: ParamKind,
    pub description: String,
    /// Used when no value is given; validated like a given value.
    pub default: Option<String>,
    /// The alert label that prefills this parameter when a run starts from an alert
    /// (`service`, `namespace`, `cluster`, ...).
    pub from_label: Option<String>,
}

/// The type of a parameter. Every kind has a validation that rejects shell and path
/// metacharacters, option-like values and invisible characters.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    /// A Kubernetes object name: a DNS-1123 subdomain (lowercase alphanumerics, `-`, `.`,
    /// at most 253, starting and ending alphanumeric).
    Name,
    /// A namespace: a DNS-1123 label (at most 63).
    Namespace,
    /// One of the configured clusters.
    Cluster,
    /// A whole number within inclusive bounds (both required in the file).
    Integer { min: i64, max: i64 },
    /// A number within inclusive bounds (both required in the file).
    Number { min: f64, max: f64 },
    /// A duration (`90s`, `15m`, `2h`) within inclusive bounds.
    Duration { min: Duration, max: Duration },
    /// One of a fixed list of DNS-1123 labels.
    Choice(Vec<String>),
}

/// An alert that suggests the runbook: its name and labels that must be equal.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub alert: String,
    pub labels: Vec<(String, String)>,
}

impl Trigger {
    pub fn matches<'a>(&self, alert: &str, labels: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.alert == alert
            && self
                .labels
                .iter()
                .all(|(k, v)| labels(k).is_some_and(|have| have == v))
    }
}

/// A value written literally in the file or taken whole from a parameter (`{{ name }}`).
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    Literal(T),
    Param(String),
}

/// Text with `{{ name }}` placeholders, for PromQL, questions, notes and silence comments.
/// Placeholders are only allowed for parameters whose values are validated names, numbers,
/// durations or choices, so a substituted value can never add syntax.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub text: String,
}

/// A workload or database object named by (possibly parameterised) fields.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec {
    pub cluster: Field<String>,
    pub namespace: Field<String>,
    pub kind: ObjectKind,
    pub name: Field<String>,
}

/// The kinds of object a runbook may act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    Deployment,
    StatefulSet,
    /// A CloudNativePG `Cluster` (postgresql.cnpg.io/v1).
    CnpgCluster,
}

impl ObjectKind {
    /// The resource as kubectl names it (`deployments.apps`).
    pub fn resource(self) -> &'static str {
        match self {
            ObjectKind::Deployment => "deployments",
            ObjectKind::StatefulSet => "statefulsets",
            ObjectKind::CnpgCluster => "clusters",
        }
    }

    pub fn group(self) -> &'static str {
        match self {
            ObjectKind::Deployment | ObjectKind::StatefulSet => "apps",
            ObjectKind::CnpgCluster => "postgresql.cnpg.io",
        }
    }

    /// As written in runbook files: `deployment`, `statefulset`, `cnpg-cluster`.
    pub fn keyword(self) -> &'static str {
        match self {
            ObjectKind::Deployment => "deployment",
            ObjectKind::StatefulSet => "statefulset",
            ObjectKind::CnpgCluster => "cnpg-cluster",
        }
    }
}

/// One ```step block and the prose before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `id:` in the block, else `step-N` (1-based).
    pub id: String,
    /// `title:` in the block, else a summary of the step made by the parser.
    pub title: String,
    /// The Markdown prose between the previous step (or the front matter) and this one,
    /// shown as guidance next to the step.
    pub guidance: String,
    pub kind: StepKind,
    /// 1-based line of the opening fence, for messages.
    pub line: usize,
    /// Run the step only when earlier checks' verdicts say so; otherwise it is skipped.
    pub when: Option<When>,
    /// What a `check` that does not hold does (other steps: always `Ask`).
    pub on_fail: OnFail,
}

/// A step's condition on the verdicts of earlier `check` or `wait` steps, by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Every named step ran and its condition held.
    Passed(Vec<String>),
    /// At least one named step ran and its condition did not hold.
    FailedAny(Vec<String>),
}

impl When {
    /// The step ids the condition names, in file order.
    pub fn ids(&self) -> &[String] {
        match self {
            When::Passed(ids) | When::FailedAny(ids) => ids,
        }
    }

    /// The key as written in files (`passed`, `failed_any`).
    pub fn keyword(&self) -> &'static str {
        match self {
            When::Passed(_) => "passed",
            When::FailedAny(_) => "failed_any",
        }
    }
}

/// What a check that does not hold does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OnFail {
    /// Ask the user: retry, continue anyway, or stop (the default).
    #[default]
    Ask,
    /// Record the verdict (the step shows it did not hold) and go on: later steps decide with
    /// `when`.
    Continue,
}

/// What a step does: the data of each step kind. Its behaviour (parsing, title,
/// resolution, verification) is the kind's module in `runbook::kinds`, found by `keyword`.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A condition that must hold now; its value is shown.
    Check(ConditionSpec),
    Scale {
        target: TargetSpec,
        /// The count to scale to; with `target_utilisation`, the least count.
        replicas: Field<i64>,
        /// Precondition: the replicas the author expects before scaling.
        expect_replicas: Option<Field<i64>>,
        /// Size for the measured load instead: enough pods that their CPU runs at this share
        /// (0..1] of its limit (`ops::sizing`).
        target_utilisation: Option<Field<f64>>,
        verify_timeout: Duration,
    },
    /// Roll a Deployment back to the previous revision, or to `revision`.
    Rollback {
        target: TargetSpec,
        revision: Option<Field<i64>>,
        verify_timeout: Duration,
    },
    Promote {
        promotion: PromotionSpec,
        verify_timeout: Duration,
    },
    /// A CloudNativePG replica cluster streams from another of its `externalClusters`.
    Follow {
        target: TargetSpec,
        source: Template,
        verify_timeout: Duration,
    },
    /// Wait until a condition holds, failing at the timeout; polled every `every`.
    Wait {
        until: ConditionSpec,
        timeout: Duration,
        every: Duration,
    },
    /// A human gate.
    Confirm { question: Template },
    /// An Alertmanager silence on a cluster's Alertmanager.
    Silence {
        cluster: Field<String>,
        matchers: Vec<MatcherSpec>,
        duration: Field<Duration>,
        comment: Template,
    },
    /// Expire an Alertmanager silence before its end. Built by the alerts view's direct
    /// action (the id comes from the silence shown); runbook files cannot name one.
    ExpireSilence {
        cluster: Field<String>,
        id: Field<String>,
    },
    /// Guidance only. With `outcome`, its text (and why it ran, from its `when`) is also the
    /// run's outcome, shown with the run's result.
    Note { text: Template, outcome: bool },
    /// A program from the config's allowlist, by its allowlist name; runs with this argv
    /// appended to the allowlisted prefix, no shell. Refused unless the config enables
    /// commands.
    Command {
        name: String,
        args: Vec<Field<String>>,
        timeout: Duration,
    },
}

impl StepKind {
    /// Steps that change something outside watchdeck, as their kind says
    /// (`runbook::kinds`); a kind missing from `KINDS` counts as mutating.
    pub fn mutates(&self) -> bool {
        super::kinds::of(self).is_none_or(|def| def.mutates())
    }

    /// The keyword of the step kind in files: how `runbook::kinds` finds the kind's module.
    pub fn keyword(&self) -> &'static str {
        match self {
            StepKind::Check(_) => "check",
            StepKind::Scale { .. } => "scale",
            StepKind::Rollback { .. } => "rollback",
            StepKind::Promote { .. } => "promote",
            StepKind::Follow { .. } => "follow",
            StepKind::Wait { .. } => "wait",
            StepKind::Confirm { .. } => "confirm",
            StepKind::Silence { .. } => "silence",
            StepKind::ExpireSilence { .. } => "expire-silence",
            StepKind::Note { .. } => "note",
            StepKind::Command { .. } => "command",
        }
    }
}

/// How a replica becomes primary.
#[derive(Debug, Clone, PartialEq)]
pub enum PromotionSpec {
    /// A CloudNativePG cluster: a replica cluster is promoted by turning replica mode off
    /// (`spec.replica.enabled: false`); an instance within a cluster by setting
    /// `status.targetPrimary` (what `kubectl cnpg promote` does).
    Cnpg {
        target: TargetSpec,
        instance: Option<Field<String>>,
        /// Refuse when the replica lags more than this (data at risk).
        max_lag: Option<Duration>,
    },
    /// Patroni's REST API (`POST /failover` on a configured endpoint, by its config name).
    Patroni {
        endpoint: String,
        candidate: Field<String>,
        max_lag: Option<Duration>,
    },
}

/// A condition a check, a wait or a verification tests.
#[derive(Debug, Clone, PartialEq)]
pub enum ConditionSpec {
    /// A PromQL expression on a cluster's Prometheus; its single value is compared.
    Query {
        cluster: Field<String>,
        query: Template,
        op: Comparison,
        /// A literal, or a number/integer parameter (`below: "{{ max_error_ratio }}"`).
        threshold: Field<f64>,
    },
    /// A Deployment or StatefulSet has rolled out: updated, ready and available replicas
    /// equal the spec, observedGeneration current.
    RolloutComplete { target: TargetSpec },
    /// At least `min_ready` pods of the workload are ready.
    PodsReady {
        target: TargetSpec,
        min_ready: Field<i64>,
    },
    /// The database's replicas (or the replica cluster) lag less than `below`.
    ReplicationLag { target: TargetSpec, below: Duration },
    /// The CNPG cluster has a primary that accepts writes.
    Writable { target: TargetSpec },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Comparison {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::Lt => value < threshold,
            Comparison::Le => value <= threshold,
            Comparison::Gt => value > threshold,
            Comparison::Ge => value >= threshold,
            Comparison::Eq => value == threshold,
            Comparison::Ne => value != threshold,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
            Comparison::Eq => "==",
            Comparison::Ne => "!=",
        }
    }
}

/// An Alertmanager matcher; the value may hold placeholders.
#[derive(Debug, Clone, PartialEq)]
pub struct MatcherSpec {
    pub name: String,
    pub value: Template,
    pub is_regex: bool,
    pub is_equal: bool,
}
