//! What the user can ask for (`Action`) and the keymap table that binds keys to actions; the
//! `?` help screen is generated from the same table. [`Keymap`] (in `action/keymap.rs`) is
//! the keymap as a value: these defaults with the config's `[keys]` overrides.

mod keymap;

pub use keymap::{KEY_NAMES_HELP, KeyBinding, Keymap, KeymapConflict};

use crate::model::View;

/// A user intent, independent of the key that expressed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Jump to a screen.
    ShowView(View),
    NextView,
    PreviousView,
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Move the focus to the screen's next pane (overview: pods / alerts; workloads:
    /// workloads / databases).
    FocusNext,
    ToggleHelp,
    /// Open the silence form for the selected alert.
    Silence,
    /// Expire the silence that mutes the selected alert (asks first).
    ExpireSilence,
    /// Close an overlay (help), or clear the current list's filter.
    Close,
    /// Open the `/` filter of the current list.
    Filter,
    /// Open the `:` command palette.
    Palette,
    /// Services: the chart's next (longer) time range, 15m → 1h → 6h → 24h.
    ChartRangeNext,
    /// Services: the chart's previous (shorter) time range.
    ChartRangePrevious,
    /// Pods: sort on the next column.
    SortNext,
    /// Pods: reverse the sort direction.
    SortReverse,
    /// Pods: open or close the describe panel of the selected pod.
    ToggleDescribe,
    /// Pods: open or close the selected pod's live `/metrics` panel.
    ToggleMetrics,
    /// Open or close the SLA helper (allowed downtime, latency objectives).
    ToggleSla,
    /// SLO detail of a fleet SLO: chart the next cluster.
    SloNextCluster,
    /// Show the runbook run panel again (Esc hides it while the run goes on).
    ShowRun,
    /// Workloads and Pods: scale the selected workload (asks the replica count).
    Scale,
    /// Workloads: roll the selected Deployment back (asks the revision).
    Rollback,
    /// Workloads: promote the selected replica database.
    Promote,
    /// Alerts: choose among the selected alert's suggested runbooks (best first), then fill
    /// in the parameter form prefilled from its labels.
    RunSuggested,
}

/// A key as the keymap names it, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
    Tab,
    BackTab,
    Esc,
    Enter,
    Backspace,
    Delete,
    Left,
    Right,
}

impl Key {
    /// How the help screen writes the key.
    pub fn label(self) -> String {
        match self {
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
            Key::Up => "↑".to_string(),
            Key::Down => "↓".to_string(),
            Key::PageUp => "PgUp".to_string(),
            Key::PageDown => "PgDn".to_string(),
            Key::Home => "Home".to_string(),
            Key::End => "End".to_string(),
            Key::Tab => "Tab".to_string(),
            Key::BackTab => "Shift-Tab".to_string(),
            Key::Esc => "Esc".to_string(),
            Key::Enter => "Enter".to_string(),
            Key::Backspace => "Backspace".to_string(),
            Key::Delete => "Del".to_string(),
            Key::Left => "←".to_string(),
            Key::Right => "→".to_string(),
        }
    }
}

/// One line of the keymap: the keys, the action, and the help text.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub help: &'static str,
}

/// The keymap. Order is the help screen's order.
pub const KEYMAP: &[Binding] = &[
    Binding {
        keys: &[Key::Char('1')],
        action: Action::ShowView(View::Overview),
        help: "overview",
    },
    Binding {
        keys: &[Key::Char('2')],
        action: Action::ShowView(View::Services),
        help: "services",
    },
    Binding {
        keys: &[Key::Char('3')],
        action: Action::ShowView(View::Pods),
        help: "pods",
    },
    Binding {
        keys: &[Key::Char('4')],
        action: Action::ShowView(View::Alerts),
        help: "alerts",
    },
    Binding {
        keys: &[Key::Char('5')],
        action: Action::ShowView(View::Slos),
        help: "SLOs: error budgets and burn rates",
    },
    Binding {
        keys: &[Key::Char('6')],
        action: Action::ShowView(View::Workloads),
        help: "workloads and databases",
    },
    Binding {
        keys: &[Key::Tab],
        action: Action::NextView,
        help: "next screen",
    },
    Binding {
        keys: &[Key::BackTab],
        action: Action::PreviousView,
        help: "previous screen",
    },
    Binding {
        keys: &[Key::Char('j'), Key::Down],
        action: Action::Down,
        help: "next row",
    },
    Binding {
        keys: &[Key::Char('k'), Key::Up],
        action: Action::Up,
        help: "previous row",
    },
    Binding {
        keys: &[Key::PageDown, Key::Ctrl('d')],
        action: Action::PageDown,
        help: "page down",
    },
    Binding {
        keys: &[Key::PageUp, Key::Ctrl('u')],
        action: Action::PageUp,
        help: "page up",
    },
    Binding {
        keys: &[Key::Char('g'), Key::Home],
        action: Action::Top,
        help: "first row",
    },
    Binding {
        keys: &[Key::Char('G'), Key::End],
        action: Action::Bottom,
        help: "last row",
    },
    Binding {
        keys: &[Key::Ctrl('w')],
        action: Action::FocusNext,
        help: "next pane (overview: pods / alerts; workloads / databases)",
    },
    Binding {
        keys: &[Key::Char('S')],
        action: Action::Silence,
        help: "alerts: silence the selected alert",
    },
    Binding {
        keys: &[Key::Char('E')],
        action: Action::ExpireSilence,
        help: "alerts: expire the selected alert's silence",
    },
    Binding {
        keys: &[Key::Char('b')],
        action: Action::RunSuggested,
        help: "alerts: the alert's runbooks, best first; Enter opens the prefilled form",
    },
    Binding {
        keys: &[Key::Char('x')],
        action: Action::Scale,
        help: "workloads, pods: scale the selected workload",
    },
    Binding {
        keys: &[Key::Char('u')],
        action: Action::Rollback,
        help: "workloads: roll back a deployment (revision history)",
    },
    Binding {
        keys: &[Key::Char('P')],
        action: Action::Promote,
        help: "workloads: promote the selected replica database",
    },
    Binding {
        keys: &[Key::Char('/')],
        action: Action::Filter,
        help: "filter the list (ns:x status:y !z)",
    },
    Binding {
        keys: &[Key::Char(':')],
        action: Action::Palette,
        help: "command palette",
    },
    Binding {
        keys: &[Key::Char('r')],
        action: Action::ChartRangeNext,
        help: "services: longer chart range (15m, 1h, 6h, 24h)",
    },
    Binding {
        keys: &[Key::Char('R')],
        action: Action::ChartRangePrevious,
        help: "services: shorter chart range",
    },
    Binding {
        keys: &[Key::Char('s')],
        action: Action::SortNext,
        help: "pods, workloads: sort by next column; services: errors, p99, rate",
    },
    Binding {
        keys: &[Key::Char('o')],
        action: Action::SortReverse,
        help: "pods, workloads: reverse sort",
    },
    Binding {
        keys: &[Key::Enter],
        action: Action::ToggleDescribe,
        help: "pods: describe selected pod; SLOs: open the detail",
    },
    Binding {
        keys: &[Key::Char('m')],
        action: Action::ToggleMetrics,
        help: "pods: live /metrics of selected pod",
    },
    Binding {
        keys: &[Key::Char('a')],
        action: Action::ToggleSla,
        help: "SLA helper: allowed downtime, latency objectives",
    },
    Binding {
        keys: &[Key::Char('c')],
        action: Action::SloNextCluster,
        help: "SLO detail (fleet SLO): chart the next cluster",
    },
    Binding {
        keys: &[Key::Char('W')],
        action: Action::ShowRun,
        help: "show the runbook run (Esc in it hides it, the run goes on)",
    },
    Binding {
        keys: &[Key::Char('?')],
        action: Action::ToggleHelp,
        help: "toggle this help",
    },
    Binding {
        keys: &[Key::Esc],
        action: Action::Close,
        help: "close help / panel / detail, clear filter",
    },
    Binding {
        keys: &[Key::Char('q'), Key::Ctrl('c')],
        action: Action::Quit,
        help: "quit",
    },
];

/// The action bound to `key` in the default keymap, if any.
pub fn action_for(key: Key) -> Option<Action> {
    Keymap::default().action_for(key)
}

/// The default keymap's help lines (see [`Keymap::help_lines`]).
pub fn help_lines() -> Vec<(String, &'static str)> {
    Keymap::default().help_lines()
}

/// The first key bound to `action` in the default keymap.
pub fn first_key(action: Action) -> Option<Key> {
    Keymap::default().first_key(action)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn keymap_has_no_duplicate_keys() {
        let mut seen = HashSet::new();
        for binding in KEYMAP {
            for key in binding.keys {
                assert!(seen.insert(*key), "{key:?} bound twice");
            }
        }
    }

    #[test]
    fn keymap_binds_required_keys() {
        assert_eq!(action_for(Key::Char('q')), Some(Action::Quit));
        assert_eq!(action_for(Key::Ctrl('c')), Some(Action::Quit));
        assert_eq!(action_for(Key::Char('?')), Some(Action::ToggleHelp));
        assert_eq!(action_for(Key::Char('j')), Some(Action::Down));
        assert_eq!(action_for(Key::Down), Some(Action::Down));
        assert_eq!(action_for(Key::Char('k')), Some(Action::Up));
        assert_eq!(action_for(Key::PageDown), Some(Action::PageDown));
        assert_eq!(action_for(Key::PageUp), Some(Action::PageUp));
        assert_eq!(action_for(Key::Char('g')), Some(Action::Top));
        assert_eq!(action_for(Key::Char('G')), Some(Action::Bottom));
        assert_eq!(action_for(Key::Char('x')), Some(Action::Scale));
        assert_eq!(
            action_for(Key::Char('6')),
            Some(Action::ShowView(View::Workloads))
        );
        assert_eq!(action_for(Key::Char('z')), None);
    }

    #[test]
    fn help_is_generated_from_keymap() {
        let lines = help_lines();
        assert_eq!(lines.len(), KEYMAP.len());
        assert!(lines.contains(&("q / Ctrl-C".to_string(), "quit")));
        assert_eq!(first_key(Action::ToggleHelp), Some(Key::Char('?')));
    }
}
