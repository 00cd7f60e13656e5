//! Starts the console: on the clusters of the config file when there is one, else on the
//! built-in simulated fleet served in-process on loopback.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use kube::config::Kubeconfig;

use crate::app;
use crate::app::AppOptions;
use watchdeck_core::clock::Clock;
use watchdeck_core::config;
use watchdeck_core::config::{Config, Endpoint, ThemeRef};
use watchdeck_io::sources::prometheus::PromTarget;
use watchdeck_io::sources::target::ClusterTarget;
use watchdeck_sim::cli::DemoArgs;
use watchdeck_sim::fleet::{Fleet, SimOptions};
use watchdeck_sim::scenario::Scenario;
use watchdeck_sim::server;
use watchdeck_ui::theme::Theme;

pub async fn run(
    config_path: Option<PathBuf>,
    demo: DemoArgs,
    cast: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    demo.validate().map_err(anyhow::Error::msg)?;
    let loaded = config::discover(config_path.as_deref())?;
    let mut options = AppOptions::from_env();
    options.cast = cast;
    let (targets, _simulator) = match loaded {
        Some(loaded) => {
            if std::env::var_os("WATCHDECK_THEME").is_none() {
                options.theme = theme_from_config(&loaded.config.ui.theme, &loaded.path)?;
            }
            options.keymap = loaded.config.keymap.clone();
            options.slos = loaded.config.slos.clone();
            let runbooks = &loaded.config.runbooks;
            options.runbooks = load_runbooks(&runbooks.dirs);
            options.audit_file = runbooks.audit_file.clone();
            options.commands = runbooks.commands.clone();
            options.patroni = runbooks.patroni.clone();
            (targets_from_config(&loaded.config)?, None)
        }
        None => {
            let running = start_simulator(&demo).await?;
            options.runbooks = load_runbooks(&[]);
            options.slos = Scenario::resolve(&demo.scenario)
                .map(|scenario| watchdeck_sim::slos::scenario_slos(&scenario))
                .unwrap_or_default();
            // Readings age on the fleet's clock, which runs `speed` times faster.
            options.slo_stale_after = Some(DEMO_METRICS_EVERY.mul_f64(
                f64::from(watchdeck_io::sources::prometheus::slo::STALE_INTERVALS)
                    * demo.speed.max(1.0),
            ));
            // The fleet's time may run faster than real time; ages follow its clock.
            options.clock = Clock::Virtual(running.fleet.now.clone());
            options.simulation = Some(simulation(&demo.scenario, running.fleet.start));
            (targets_from_simulator(&running.endpoints)?, Some(running))
        }
    };
    options.slos = watchdeck_io::slo_discovery::with_pyrra_slos(&targets, options.slos).await;
    app::run(targets, options).await?;
    Ok(ExitCode::SUCCESS)
}

/// What the title bar says about the simulated fleet: the scenario's name (a path's file
/// stem) and its start on the fleet's clock.
pub fn simulation(scenario: &str, start_ms: i64) -> watchdeck_core::model::Simulation {
    let name = std::path::Path::new(scenario)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or(scenario);
    watchdeck_core::model::Simulation {
        scenario: watchdeck_core::text::Text::new(name),
        start: jiff::Timestamp::from_millisecond(start_ms).unwrap_or_default(),
    }
}

/// The built-in runbooks and those of `dirs`; a file that does not parse is logged and left
/// out (the console still starts), and said once on stderr before the screen takes over.
fn load_runbooks(dirs: &[PathBuf]) -> Vec<Arc<watchdeck_core::runbook::spec::Runbook>> {
    let (library, problems) = watchdeck_core::runbook::library::load(dirs);
    for problem in &problems {
        tracing::warn!(%problem, "runbook left out");
        eprintln!("watchdeck: {problem} (that runbook is left out)");
    }
    library
}

fn theme_from_config(theme: &ThemeRef, config_path: &std::path::Path) -> anyhow::Result<Theme> {
    let loaded = match theme {
        ThemeRef::Named(name) => crate::theme_files::load_theme(
            name,
            std::env::var_os("WATCHDECK_THEMES_DIR")
                .map(PathBuf::from)
                .as_deref(),
        ),
        ThemeRef::File(path) => crate::theme_files::load_theme(&path.display().to_string(), None),
    };
    loaded.with_context(|| format!("{}: ui.theme", config_path.display()))
}

/// Starts the simulated fleet on free loopback ports, advancing at the demo's speed.
pub async fn start_simulator(demo: &DemoArgs) -> anyhow::Result<server::Running> {
    let scenario = Scenario::resolve(&demo.scenario)?;
    let options = SimOptions::new(demo.seed, jiff::Timestamp::now().as_second() * 1000);
    let fleet = tokio::task::spawn_blocking(move || Fleet::new(scenario, &options))
        .await
        .context("building the simulated fleet")?;
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    Ok(server::start(Arc::new(fleet), loopback, Some(demo.speed)).await?)
}

pub fn targets_from_simulator(
    endpoints: &[server::ClusterEndpoints],
) -> anyhow::Result<Vec<ClusterTarget>> {
    let kubeconfig: Kubeconfig = serde_json::from_value(server::kubeconfig(endpoints))
        .context("the simulator's kubeconfig")?;
    Ok(endpoints
        .iter()
        .map(|e| {
            let spec = watchdeck_sim::world::catalog::CLUSTERS
                .iter()
                .find(|c| c.name == e.name);
            let labels = spec
                .map(|s| {
                    [
                        ("env".to_string(), s.env.to_string()),
                        ("region".to_string(), s.region.to_string()),
                    ]
                    .into_iter()
                    .collect()
                })
                .unwrap_or_default();
            ClusterTarget {
                read_only: false,
                production: spec.is_some_and(|s| s.env == "prod"),
                name: e.name.clone(),
                labels,
                kubeconfig: kubeconfig.clone(),
                context: e.name.clone(),
                namespaces: Vec::new(),
                alertmanagers: simulator_alertmanager(&e.alertmanager)
                    .into_iter()
                    .collect(),
                alert_filter: Vec::new(),
                prometheus: simulator_prometheus(&e.prometheus),
            }
        })
        .collect())
}

/// The Alertmanager of a simulated cluster, by URL (5 s per request).
pub fn simulator_alertmanager(url: &str) -> Option<config::EndpointConfig> {
    watchdeck_io::sources::alertmanager::url_endpoint(url, std::time::Duration::from_secs(5)).ok()
}

/// How often the demo polls the simulator's Prometheus.
pub const DEMO_METRICS_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

/// The metrics target of a simulated cluster: its own Prometheus, default templates.
pub fn simulator_prometheus(url: &str) -> Option<PromTarget> {
    let url = url.parse::<config::HttpUrl>().ok()?;
    Some(PromTarget {
        endpoint: config::EndpointConfig {
            endpoint: Endpoint::Url(url),
            http: config::HttpOptions::with_timeout(std::time::Duration::from_secs(10)),
            filter: Vec::new(),
        },
        cluster_selector: None,
        queries: config::MetricsQueries::default(),
        every: DEMO_METRICS_EVERY,
    })
}

/// The metrics target of a configured cluster: its own endpoint, or the global one with a
/// selector for the cluster's series.
pub fn prometheus_target(config: &Config, cluster: &config::ClusterConfig) -> Option<PromTarget> {
    let (endpoint, cluster_selector) = match &cluster.metrics {
        config::MetricsSource::Own(endpoint) => (endpoint.clone(), None),
        config::MetricsSource::Global { label, value } => {
            let global = config.global_prometheus.as_ref()?;
            (
                config::EndpointConfig {
                    endpoint: Endpoint::Url(global.url.clone()),
                    http: global.http.clone(),
                    filter: Vec::new(),
                },
                Some((label.clone(), value.clone())),
            )
        }
        config::MetricsSource::None => return None,
    };
    Some(PromTarget {
        endpoint,
        cluster_selector,
        queries: config.metrics.clone(),
        every: config.ui.refresh_interval,
    })
}

pub fn targets_from_config(config: &Config) -> anyhow::Result<Vec<ClusterTarget>> {
    let mut targets = Vec::new();
    for cluster in &config.clusters {
        let kubeconfig = match &cluster.kubeconfig {
            Some(path) => Kubeconfig::read_from(path).with_context(|| format!("cluster {}: cannot read kubeconfig {}", cluster.name, path.display()))?,
            None => Kubeconfig::read().with_context(|| format!("cluster {}: cannot read the default kubeconfig (KUBECONFIG or ~/.kube/config); set `kubeconfig` for it in the config", cluster.name))?,
        };
        // One filter for the cluster's replicas: the first Alertmanager entry that has one.
        let alert_filter = cluster
            .alertmanagers
            .iter()
            .map(|am| am.filter.clone())
            .find(|f| !f.is_empty())
            .unwrap_or_default();
        let prometheus = prometheus_target(config, cluster);
        targets.push(ClusterTarget {
            read_only: cluster.read_only,
            production: cluster.production,
            name: cluster.name.clone(),
            labels: cluster.labels.clone(),
            kubeconfig,
            context: cluster.context.clone(),
            namespaces: cluster.namespaces.clone(),
            // By URL or through the service proxy, with the cluster's kubeconfig.
            alertmanagers: cluster.alertmanagers.clone(),
            alert_filter,
            prometheus,
        });
    }
    Ok(targets)
}
