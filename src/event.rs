//! Messages into `update`: data from the sources (`DataEvent`), user actions, clock ticks and
//! layout changes, and the translation of terminal events through the keymap.

use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use crate::action::{Action, Key};
use crate::model::alert::Alert;
use crate::model::health::SourceKind;
use crate::model::kube::KubeData;
use crate::model::pod::{PodKey, PodRow};
use crate::model::pod_view::PodMetricsResult;
use crate::model::{ClusterId, Text};

/// What a source sends: which cluster, when (the source's clock), and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataEvent {
    pub cluster: ClusterId,
    pub at: Timestamp,
    pub payload: Payload,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A change to the cluster's pods.
    Pods(PodsChange),
    /// The complete set of firing alerts, replacing the previous one.
    Alerts(Vec<Alert>),
    /// The source is connected and its data is current, with nothing new to send.
    Alive(SourceKind),
    /// The source failed (it keeps retrying); `reason` is short: "connection refused",
    /// "timeout", "HTTP 503", "bad JSON: ...".
    Failed { source: SourceKind, reason: Text },
    /// Workloads, events, CNPG clusters, or one Kubernetes resource's health.
    Kube(Box<KubeData>),
    /// A pod's `/metrics`, read through the API server's pod proxy (an `IoRequest` result).
    PodMetrics(PodMetricsResult),
}

impl Payload {
    pub fn source(&self) -> SourceKind {
        match self {
            Payload::Pods(_) | Payload::Kube(_) | Payload::PodMetrics(_) => SourceKind::Pods,
            Payload::Alerts(_) => SourceKind::Alerts,
            Payload::Alive(source) | Payload::Failed { source, .. } => *source,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodsChange {
    /// The complete list after a (re)list: replaces every pod of the cluster.
    Reset(Vec<PodRow>),
    /// A pod was added or modified.
    Upsert(PodRow),
    Deleted(PodKey),
}

/// Everything `update` reacts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Data(DataEvent),
    /// A key press. `update` decides what it means: text for an open input line or form,
    /// otherwise the keymap's action.
    Key(Key),
    Action(Action),
    /// The clock moved (ages on screen change).
    Tick,
    /// The terminal was resized.
    Resize,
    /// Rows visible in the pods table and alerts list at the last render, for paging.
    Viewport {
        pods: usize,
        alerts: usize,
    },
}

/// Maps a terminal key event to the keymap's key, ignoring releases and repeats' kinds we
/// do not use.
pub fn key_of(event: &KeyEvent) -> Option<Key> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Esc => Key::Esc,
        KeyCode::Enter => Key::Enter,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        _ => return None,
    })
}

/// The message for a terminal event, if it means anything to the console.
pub fn msg_of(event: &TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) => key_of(key).map(Msg::Key),
        TermEvent::Resize(_, _) => Some(Msg::Resize),
        TermEvent::FocusGained => Some(Msg::Resize),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> TermEvent {
        TermEvent::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn terminal_keys_map_through_keymap() {
        assert_eq!(
            msg_of(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Msg::Key(Key::Char('q')))
        );
        assert_eq!(
            msg_of(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Msg::Key(Key::Ctrl('c')))
        );
        assert_eq!(
            msg_of(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Msg::Key(Key::Char('G')))
        );
        assert_eq!(
            msg_of(&press(KeyCode::PageDown, KeyModifiers::NONE)),
            Some(Msg::Key(Key::PageDown))
        );
        assert_eq!(
            msg_of(&press(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Msg::Key(Key::Enter))
        );
        assert_eq!(msg_of(&press(KeyCode::F(5), KeyModifiers::NONE)), None);
        assert_eq!(msg_of(&TermEvent::Resize(80, 24)), Some(Msg::Resize));
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(msg_of(&TermEvent::Key(release)), None);
    }
}
