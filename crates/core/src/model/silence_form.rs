//! The silence popups' state: the create form (matchers prefilled from an alert, duration,
//! comment, author), its validation into a [`SilenceDraft`], the live preview of the alerts
//! its matchers catch, and the expire confirmation. Plain data; keys arrive via `update`.

use super::alert::Alert;
use super::input::InputLine;
use super::rows::AlertEntry;
use crate::cluster::ClusterId;
use crate::matcher::{Matcher, all_match, compile_all, parse_matcher};
use crate::model::Model;
use crate::text::Text;

/// Labels not worth prefilling: they differ between otherwise identical alerts.
const SKIPPED_LABELS: [&str; 2] = ["prometheus", "receive_resolved"];

/// The field with the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Matcher(usize),
    Duration,
    Comment,
    Author,
}

/// What a valid form sends: Alertmanager computes nothing, the executor adds the times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceDraft {
    pub matchers: Vec<Matcher>,
    /// How long from now the silence lasts.
    pub duration_secs: i64,
    pub created_by: String,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceForm {
    pub cluster: ClusterId,
    /// One matcher per line, `name="value"` (empty lines are ignored).
    pub matchers: Vec<InputLine>,
    pub duration: InputLine,
    pub comment: InputLine,
    pub author: InputLine,
    pub focus: Field,
    /// Why the last submit was refused.
    pub error: Option<Text>,
}

impl SilenceForm {
    /// A form for `alert` in `cluster`: one matcher per label, 2 h, the given author.
    pub fn for_alert(cluster: ClusterId, alert: &Alert, author: &str) -> Self {
        let matchers = alert
            .labels
            .iter()
            .filter(|(k, _)| !SKIPPED_LABELS.contains(&k.as_str()))
            .map(|(k, v)| Matcher::new(k.as_str(), crate::matcher::MatchOp::Equal, v.as_str()))
            .map(|m| InputLine::with_text(&m.to_string()))
            .collect();
        SilenceForm {
            cluster,
            matchers,
            duration: InputLine::with_text("2h"),
            comment: InputLine::default(),
            author: InputLine::with_text(author),
            focus: Field::Comment,
            error: None,
        }
    }

    /// Every field in order, for Tab and ↑/↓.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = (0..self.matchers.len()).map(Field::Matcher).collect();
        fields.extend([Field::Duration, Field::Comment, Field::Author]);
        fields
    }

    pub fn line_mut(&mut self, field: Field) -> Option<&mut InputLine> {
        match field {
            Field::Matcher(i) => self.matchers.get_mut(i),
            Field::Duration => Some(&mut self.duration),
            Field::Comment => Some(&mut self.comment),
            Field::Author => Some(&mut self.author),
        }
    }

    /// The matchers as parsed so far: the valid ones, or the first error.
    pub fn parsed_matchers(&self) -> Result<Vec<Matcher>, String> {
        self.matchers
            .iter()
            .filter(|line| !line.text().trim().is_empty())
            .map(|line| parse_matcher(line.text()).map_err(String::from))
            .collect()
    }

    /// The request to send, or what the user must fix first.
    pub fn draft(&self) -> Result<SilenceDraft, String> {
        let matchers = self.parsed_matchers()?;
        if matchers.is_empty() {
            return Err("at least one matcher is required".to_string());
        }
        if compile_all(&matchers)?.iter().all(|m| m.matches_value("")) {
            return Err(
                "the matchers would catch every alert; add one that needs a label".to_string(),
            );
        }
        let duration_secs = parse_duration(self.duration.text())?;
        if self.comment.text().trim().is_empty() {
            return Err("a comment is required (why are you silencing this?)".to_string());
        }
        if self.author.text().trim().is_empty() {
            return Err("an author is required".to_string());
        }
        Ok(SilenceDraft {
            matchers,
            duration_secs,
            created_by: self.author.text().trim().to_string(),
            comment: self.comment.text().trim().to_string(),
        })
    }
}

/// `90s`, `30m`, `2h`, `1d`, `1h30m` (`crate::duration`'s grammar): a silence length in
/// seconds, at least a minute, at most a year. Spaces around the text are ignored.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let bad = || format!("duration {text:?}: expected something like 30m, 2h, 1d or 1h30m");
    let total = crate::duration::parse_duration(text)
        .map_err(|_| bad())
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))?;
    if !(60..=366 * 86_400).contains(&total) {
        return Err(format!("duration {text:?}: expected between 1m and 366d"));
    }
    Ok(total)
}

/// The alerts the form's matchers would silence: only the form's cluster (a silence lives
/// in that cluster's Alertmanager) and, for the record, how many elsewhere also match.
#[derive(Debug, Clone, Default)]
pub struct Preview<'a> {
    pub caught: Vec<AlertEntry<'a>>,
    /// Alerts in other clusters the same matchers catch (not silenced by this one).
    pub elsewhere: usize,
    /// Why there is no preview (a matcher does not parse).
    pub error: Option<String>,
}

/// The live preview for `form` over every alert of the fleet (active and suppressed).
pub fn preview<'a>(model: &'a Model, form: &SilenceForm) -> Preview<'a> {
    let compiled = match form
        .parsed_matchers()
        .and_then(|m| compile_all(&m).map_err(String::from))
    {
        Ok(compiled) => compiled,
        Err(error) => {
            return Preview {
                error: Some(error),
                ..Preview::default()
            };
        }
    };
    let mut preview = Preview::default();
    if compiled.is_empty() {
        return preview;
    }
    for entry in super::rows::all_alerts(model) {
        if all_match(&compiled, &entry.alert.labels) {
            if entry.cluster == form.cluster {
                preview.caught.push(entry);
            } else {
                preview.elsewhere += 1;
            }
        }
    }
    preview
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_friendly_forms() {
        assert_eq!(parse_duration("2h"), Ok(7_200));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert_eq!(parse_duration(" 1d "), Ok(86_400));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert!(parse_duration("30s").unwrap_err().contains("between 1m"));
        assert!(
            parse_duration("2")
                .unwrap_err()
                .contains("expected something like")
        );
        assert!(
            parse_duration("h")
                .unwrap_err()
                .contains("expected something like")
        );
        assert!(
            parse_duration("2x")
                .unwrap_err()
                .contains("expected something like")
        );
    }
}
