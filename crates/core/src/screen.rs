//! The console's screens: which there are, their titles and their tab order. `View` is
//! data in the model; what each screen does lives in its descriptors, one per crate side:
//! `update::screens` (keys, cursor, filter, mouse, tick) and `watchdeck_ui::views::SCREENS`
//! (rendering, snapshot sizes), both in `View::ALL` order.

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

    /// The screen's place in `View::ALL`: the index of its descriptors in the lists that
    /// register them (`update::screens::ALL`, `watchdeck_ui::views::SCREENS`).
    pub fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub fn next(self) -> View {
        View::ALL[(self.index() + 1) % View::ALL.len()]
    }

    pub fn previous(self) -> View {
        View::ALL[(self.index() + View::ALL.len() - 1) % View::ALL.len()]
    }
}
