//! The console's screens: which there are, their titles and their tab order.

/// The screens, in tab order. `1`-`4` jump to one, Tab and Shift-Tab cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum View {
    /// Cluster bands, worst services, pods needing attention and firing alerts.
    #[default]
    Overview,
    /// RED metrics per service with charts.
    Services,
    /// Every pod of every cluster, sortable and filterable, with a describe panel.
    Pods,
    /// Alerts grouped by alertname and severity, silences.
    Alerts,
    /// Service level objectives: budgets, burn rates and alert tiers, with a detail view.
    Slos,
    /// Deployments, StatefulSets and CNPG databases, with direct actions (scale, roll back,
    /// promote).
    Workloads,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Overview,
        View::Services,
        View::Pods,
        View::Alerts,
        View::Slos,
        View::Workloads,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Services => "Services",
            View::Pods => "Pods",
            View::Alerts => "Alerts",
            View::Slos => "SLOs",
            View::Workloads => "Workloads",
        }
    }

    fn position(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub fn next(self) -> View {
        View::ALL[(self.position() + 1) % View::ALL.len()]
    }

    pub fn previous(self) -> View {
        View::ALL[(self.position() + View::ALL.len() - 1) % View::ALL.len()]
    }
}
