//! Starting a runbook from the console: the chooser `b` opens on an alert (its suggested
//! runbooks, best first) and the parameter form every entry point opens (prefilled from the
//! alert's labels and the runbook's defaults, each value checked as it is typed with the
//! runbook's own parameter validation). Plain data; keys arrive via `update`.

use std::sync::Arc;

use super::Model;
use super::input::InputLine;
use super::runs::StartRun;
use crate::runbook::params::validate_value;
use crate::runbook::spec::Runbook;

/// What is open: the chooser or the form (each takes every key while open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEntry {
    Choose(RunChooser),
    Form(ParamForm),
}

/// The runbooks an alert suggests, best first, each with the values its labels give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunChooser {
    /// The alert as the audit log names it.
    pub alert: String,
    /// Runbook id and the values the alert's labels give it, best first.
    pub options: Vec<(String, Vec<(String, String)>)>,
    pub selected: usize,
}

impl RunChooser {
    /// The chooser for `starts` (the suggested runbooks' requests, best first).
    pub fn new(alert: String, starts: &[StartRun]) -> Self {
        RunChooser {
            alert,
            options: starts
                .iter()
                .map(|s| (s.runbook.id.clone(), s.given.clone()))
                .collect(),
            selected: 0,
        }
    }

    /// The highlighted option's form (`None` when its runbook left the library).
    pub fn form(&self, model: &Model) -> Option<ParamForm> {
        let (id, given) = self.options.get(self.selected)?;
        let runbook = library_runbook(model, id)?;
        Some(ParamForm::new(&StartRun {
            runbook: Arc::clone(runbook),
            given: given.clone(),
            alert: Some(self.alert.clone()),
        }))
    }
}

/// The library's runbook with this id.
pub fn library_runbook<'a>(model: &'a Model, id: &str) -> Option<&'a Arc<Runbook>> {
    model.runs.library.iter().find(|r| r.id == id)
}

/// One parameter being filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormField {
    pub name: String,
    pub line: InputLine,
    /// Where the prefilled value came from: `from the alert`, `given`, `default`, or empty.
    pub source: &'static str,
}

/// The parameter form: one field per declared parameter, in the file's order. It names its
/// runbook by id (the library holds the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamForm {
    pub runbook: String,
    pub alert: Option<String>,
    pub fields: Vec<FormField>,
    pub focus: usize,
}

impl ParamForm {
    /// A form for `start`'s runbook: given values first, then defaults; the cursor on the
    /// first field that is still empty (else the first).
    pub fn new(start: &StartRun) -> Self {
        let runbook = &start.runbook;
        let fields: Vec<FormField> = runbook
            .params
            .iter()
            .map(|spec| {
                let given = start.given.iter().find(|(n, _)| *n == spec.name);
                let (text, source) = match (given, &spec.default) {
                    (Some((_, value)), _) if start.alert.is_some() => {
                        (value.as_str(), "from the alert")
                    }
                    (Some((_, value)), _) => (value.as_str(), "given"),
                    (None, Some(default)) => (default.as_str(), "default"),
                    (None, None) => ("", ""),
                };
                FormField {
                    name: spec.name.clone(),
                    line: InputLine::with_text(text),
                    source,
                }
            })
            .collect();
        let focus = fields
            .iter()
            .position(|f| f.line.text().is_empty())
            .unwrap_or(0);
        ParamForm {
            runbook: runbook.id.clone(),
            alert: start.alert.clone(),
            fields,
            focus,
        }
    }

    /// Each field's value checked against its declared kind in `runbook` (this form's):
    /// `Err` holds the reason, worded for people. `clusters` are the configured cluster names.
    pub fn checks(&self, runbook: &Runbook, clusters: &[String]) -> Vec<Result<String, String>> {
        self.fields
            .iter()
            .map(|field| {
                let Some(spec) = runbook.param(&field.name) else {
                    return Err("not a parameter of this runbook".to_string());
                };
                let text = field.line.text();
                if text.is_empty() {
                    return Err(match spec.description.as_str() {
                        "" => "a value is required".to_string(),
                        about => format!("a value is required ({about})"),
                    });
                }
                validate_value(&spec.kind, text, clusters)
            })
            .collect()
    }

    /// The run to start when every value is valid; else the index of the first invalid one.
    pub fn submit(&self, runbook: &Arc<Runbook>, clusters: &[String]) -> Result<StartRun, usize> {
        if let Some(bad) = self
            .checks(runbook, clusters)
            .iter()
            .position(Result::is_err)
        {
            return Err(bad);
        }
        Ok(StartRun {
            runbook: Arc::clone(runbook),
            given: self
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.line.text().to_string()))
                .collect(),
            alert: self.alert.clone(),
        })
    }

    pub fn next(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len().max(1);
    }

    pub fn previous(&mut self) {
        let len = self.fields.len().max(1);
        self.focus = (self.focus + len - 1) % len;
    }

    pub fn focused_mut(&mut self) -> Option<&mut InputLine> {
        self.fields.get_mut(self.focus).map(|f| &mut f.line)
    }
}
