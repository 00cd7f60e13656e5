//! `Ops`: the clients every operation needs (a kube client per cluster made on first use,
//! Prometheus per cluster, Alertmanager endpoints, Patroni endpoints, the command allowlist)
//! and the dispatch of one `OpRequest` to the module that performs it: plans, executions and
//! reads to the mutation's step kind in `ops::kinds`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use crate::sources::prometheus::{PromClient, PromTarget};
use crate::sources::target::ClusterTarget;
use watchdeck_core::clock::Clock;
use watchdeck_core::config::HttpUrl;
use watchdeck_core::runbook::op::{OpError, OpOutcome, OpRequest};
use watchdeck_core::runbook::params::CommandPolicy;
use watchdeck_core::runbook::resolved::Mutation;

/// Longest wait for a read (get, list, query, review).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the answer to a change; after it the outcome is unknown.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

/// Performs the engine's requests. Cheap to clone; clones share their clients.
#[derive(Clone)]
pub struct Ops {
    inner: Arc<Inner>,
}

struct Inner {
    clusters: BTreeMap<String, ClusterClients>,
    patroni: BTreeMap<String, HttpUrl>,
    commands: CommandPolicy,
    os_user: String,
    clock: Clock,
    read_timeout: Duration,
    write_timeout: Duration,
}

struct ClusterClients {
    target: ClusterTarget,
    kube: OnceCell<kube::Client>,
    prometheus: OnceCell<PromClient>,
}

impl std::fmt::Debug for Ops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops")
            .field("clusters", &self.inner.clusters.keys().collect::<Vec<_>>())
            .field("patroni", &self.inner.patroni.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Ops {
    /// Clients for every cluster (kube client made lazily per cluster, at most once),
    /// Prometheus and Alertmanager endpoints from the targets, Patroni endpoints by name,
    /// and the command allowlist (argv prefixes by name).
    pub fn new(
        targets: &[ClusterTarget],
        patroni: BTreeMap<String, HttpUrl>,
        commands: CommandPolicy,
    ) -> Ops {
        let clusters = targets
            .iter()
            .map(|target| {
                (
                    target.name.clone(),
                    ClusterClients {
                        target: target.clone(),
                        kube: OnceCell::new(),
                        prometheus: OnceCell::new(),
                    },
                )
            })
            .collect();
        let os_user = crate::audit::who::os_user();
        Ops {
            inner: Arc::new(Inner {
                clusters,
                patroni,
                commands,
                os_user: watchdeck_core::text::sanitize(&os_user),
                clock: Clock::Wall,
                read_timeout: READ_TIMEOUT,
                write_timeout: WRITE_TIMEOUT,
            }),
        }
    }

    /// The same clients with "now" (a silence's start) read from `clock`: the simulator's
    /// virtual time in demo mode. Call before cloning.
    pub fn with_clock(self, clock: Clock) -> Ops {
        self.rebuild(|inner| inner.clock = clock)
    }

    /// The silence author (`createdBy`); the OS user from the environment by default.
    pub fn with_os_user(self, user: &str) -> Ops {
        let user = watchdeck_core::text::sanitize(user);
        self.rebuild(|inner| inner.os_user = user)
    }

    /// Other time limits for reads and writes (tests use short ones).
    pub fn with_timeouts(self, read: Duration, write: Duration) -> Ops {
        self.rebuild(|inner| {
            inner.read_timeout = read;
            inner.write_timeout = write;
        })
    }

    fn rebuild(self, change: impl FnOnce(&mut Inner)) -> Ops {
        let mut inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            Err(shared) => Inner {
                clusters: shared
                    .clusters
                    .iter()
                    .map(|(name, c)| {
                        (
                            name.clone(),
                            ClusterClients {
                                target: c.target.clone(),
                                kube: OnceCell::new(),
                                prometheus: OnceCell::new(),
                            },
                        )
                    })
                    .collect(),
                patroni: shared.patroni.clone(),
                commands: shared.commands.clone(),
                os_user: shared.os_user.clone(),
                clock: shared.clock.clone(),
                read_timeout: shared.read_timeout,
                write_timeout: shared.write_timeout,
            },
        };
        change(&mut inner);
        Ops {
            inner: Arc::new(inner),
        }
    }

    /// Performs one request; never panics; every network call bounded by a timeout
    /// (reads ~10 s; an Execute that times out after sending is ExecError::Unknown).
    pub async fn perform(&self, request: OpRequest) -> OpOutcome {
        match request {
            OpRequest::Identity { cluster } => {
                OpOutcome::Identity(super::kube::identity::whoami(self, &cluster).await)
            }
            OpRequest::Access(check) => {
                OpOutcome::Access(super::kube::access::review(self, &check).await)
            }
            OpRequest::Plan(mutation) => OpOutcome::Plan(self.plan(&mutation).await.map(Box::new)),
            OpRequest::Execute { mutation, plan } => {
                OpOutcome::Executed(self.execute(&mutation, &plan).await)
            }
            OpRequest::Read(mutation) => OpOutcome::Read(self.read(&mutation).await),
            OpRequest::Probe(probe) => {
                OpOutcome::Probed(super::kube::probe::probe(self, &probe).await)
            }
        }
    }

    async fn plan(
        &self,
        mutation: &Mutation,
    ) -> Result<watchdeck_core::runbook::op::PlanReport, OpError> {
        match super::kinds::of(mutation) {
            Some(kind) => kind.plan(self, mutation).await,
            None => Err(OpError::new(unregistered(mutation))),
        }
    }

    async fn execute(
        &self,
        mutation: &Mutation,
        plan: &watchdeck_core::runbook::op::PlanReport,
    ) -> Result<watchdeck_core::runbook::op::Executed, watchdeck_core::runbook::op::ExecError> {
        if let Some(refusal) = &plan.refusal {
            return Err(watchdeck_core::runbook::op::ExecError::Rejected(format!(
                "not executed: the plan was refused: {refusal}"
            )));
        }
        match super::kinds::of(mutation) {
            Some(kind) => kind.execute(self, mutation, plan).await,
            None => Err(watchdeck_core::runbook::op::ExecError::NotSent(
                unregistered(mutation),
            )),
        }
    }

    async fn read(
        &self,
        mutation: &Mutation,
    ) -> Result<watchdeck_core::runbook::op::Snapshot, OpError> {
        match super::kinds::of(mutation) {
            Some(kind) => kind.read(self, mutation).await,
            None => Err(OpError::new(unregistered(mutation))),
        }
    }

    /// The cluster's configuration, or an error naming the configured clusters.
    pub(super) fn target(&self, cluster: &str) -> Result<&ClusterTarget, OpError> {
        self.clients(cluster).map(|c| &c.target)
    }

    fn clients(&self, cluster: &str) -> Result<&ClusterClients, OpError> {
        self.inner.clusters.get(cluster).ok_or_else(|| {
            let known: Vec<&str> = self.inner.clusters.keys().map(String::as_str).collect();
            OpError::new(format!(
                "cluster {cluster} is not configured (configured: {}); add it to the config",
                known.join(", ")
            ))
        })
    }

    /// The cluster's kube client, built on first use.
    pub(super) async fn kube(&self, cluster: &str) -> Result<kube::Client, OpError> {
        let clients = self.clients(cluster)?;
        let target = &clients.target;
        clients
            .kube
            .get_or_try_init(|| {
                crate::sources::kube::client(target.kubeconfig.clone(), &target.context)
            })
            .await
            .cloned()
            .map_err(|reason| {
                OpError::new(format!(
                    "cluster {cluster}: cannot reach the Kubernetes API: {reason}"
                ))
            })
    }

    /// The cluster's Prometheus client and target, built on first use.
    pub(super) async fn prometheus(
        &self,
        cluster: &str,
    ) -> Result<(&PromClient, &PromTarget), OpError> {
        let clients = self.clients(cluster)?;
        let target = &clients.target;
        let Some(prometheus) = &target.prometheus else {
            return Err(OpError::new(format!(
                "cluster {cluster} has no Prometheus configured; add `metrics` to its config"
            )));
        };
        let mut spec = target.endpoint_spec(&prometheus.endpoint);
        spec.config.http.timeout = spec.config.http.timeout.min(self.inner.read_timeout);
        let client = clients
            .prometheus
            .get_or_try_init(|| PromClient::connect(&spec))
            .await
            .map_err(|e| {
                OpError::new(format!(
                    "cluster {cluster}: cannot reach Prometheus at {}: {}",
                    spec.describe(),
                    e.message()
                ))
            })?;
        Ok((client, prometheus))
    }

    /// The names of the configured clusters, sorted.
    pub(super) fn cluster_names(&self) -> Vec<&str> {
        self.inner.clusters.keys().map(String::as_str).collect()
    }

    pub(super) fn patroni_url(&self, name: &str) -> Result<&HttpUrl, OpError> {
        self.inner.patroni.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.inner.patroni.keys().map(String::as_str).collect();
            OpError::new(format!(
                "Patroni endpoint {name} is not configured (configured: {}); add it under [patroni] in the config",
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            ))
        })
    }

    pub(super) fn commands(&self) -> &CommandPolicy {
        &self.inner.commands
    }

    pub(super) fn os_user(&self) -> &str {
        &self.inner.os_user
    }

    pub(super) fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }

    pub(super) fn read_timeout(&self) -> Duration {
        self.inner.read_timeout
    }

    pub(super) fn write_timeout(&self) -> Duration {
        self.inner.write_timeout
    }

    /// Runs a read within the read timeout.
    pub(super) async fn bounded<T>(
        &self,
        what: &str,
        call: impl std::future::Future<Output = Result<T, OpError>>,
    ) -> Result<T, OpError> {
        match tokio::time::timeout(self.inner.read_timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(OpError::new(format!(
                "{what}: no answer within {} s; check the connection and try again",
                self.inner.read_timeout.as_secs_f64()
            ))),
        }
    }
}

/// A mutation whose step kind has no module in `ops::kinds::KINDS`: nothing is done.
fn unregistered(mutation: &Mutation) -> String {
    format!(
        "{}: this kind of change has no operations in watchdeck_io::ops::kinds; nothing done",
        mutation.verb()
    )
}
