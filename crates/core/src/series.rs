//! Numbers and series as Prometheus answers them, shared by the services and SLO screens:
//! a comparable number, a chart line, and how complete an answer was.

use crate::text::Text;

/// A number read from Prometheus. Compared bit for bit so the model stays `Eq`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Num(pub f64);

impl PartialEq for Num {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Num {}

/// Points of one chart line: (unix seconds, value).
pub type Line = Vec<(Num, Num)>;

/// How complete the last answer was.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum QueryStatus {
    /// Nothing asked yet.
    #[default]
    Waiting,
    Ok,
    /// Prometheus answered with warnings: some data may be missing.
    Partial(Vec<Text>),
    /// The query failed; the message is for the panel. Older data may still be shown.
    Error(Text),
}
