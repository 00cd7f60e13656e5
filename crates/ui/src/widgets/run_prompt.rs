//! The run panel's top and bottom: parameters, the alert that led here and the recovery
//! objectives (RTO, RPO) above the steps; below them the question waiting for the user
//! (gate, message, what to press or type, the typed text), or how the run ended, or why a
//! run did not start.

use std::time::Duration;

use jiff::Timestamp;
use ratatui::text::{Line, Span};

use super::run_text::wrap;
use crate::theme::Theme;
use crate::widgets::input::field_text;
use watchdeck_core::model::input::InputLine;
use watchdeck_core::model::runs::{RunPhase, Runs};
use watchdeck_core::model::time::human_duration;
use watchdeck_core::runbook::engine::{Expect, Gate, Prompt, Run, RunResult};
use watchdeck_core::text::Text;

fn secs(d: Duration) -> String {
    human_duration(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Parameters, alert and objectives, wrapped to `columns`.
pub fn header<'a>(run: &Run, now: Timestamp, columns: usize, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let params: Vec<String> = run
        .values()
        .iter()
        .map(|(k, v)| format!("{k}={}", Text::new(v).as_str()))
        .collect();
    if !params.is_empty() {
        for text in wrap(&format!("params: {}", params.join(" ")), columns, "  ") {
            lines.push(Line::styled(text, theme.base));
        }
    }
    if let Some(alert) = &run.context().alert {
        let text = format!("from alert {}", Text::new(alert).as_str());
        lines.push(Line::styled(super::fit(&text, columns), theme.muted));
    }
    let objectives = &run.runbook().objectives;
    if objectives.rto.is_none() && objectives.rpo.is_none() {
        return lines;
    }
    let report = run.recovery(now);
    let mut spans = Vec::new();
    if let Some(rto) = objectives.rto {
        let over = report.elapsed > rto;
        spans.push(Span::styled(
            format!(
                "RTO {}: {} elapsed{}",
                secs(rto),
                secs(report.elapsed),
                if over { " (over)" } else { "" }
            ),
            if over { theme.bad } else { theme.ok },
        ));
    }
    if let Some(rpo) = objectives.rpo {
        if !spans.is_empty() {
            spans.push(Span::styled(" · ", theme.muted));
        }
        spans.push(match report.data_at_risk {
            Some(risk) => {
                let over = risk > rpo;
                Span::styled(
                    format!(
                        "RPO {}: data at risk {}{}",
                        secs(rpo),
                        secs(risk),
                        if over { " (over)" } else { "" }
                    ),
                    if over { theme.bad } else { theme.ok },
                )
            }
            None => Span::styled(
                format!("RPO {}: data at risk not read yet", secs(rpo)),
                theme.muted,
            ),
        });
    }
    lines.push(Line::from(spans));
    lines
}

/// The bottom block: notice, halt, prompt, result or progress, then the key hints.
pub fn footer<'a>(runs: &Runs, columns: usize, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    if let Some(notice) = &runs.notice {
        for text in wrap(&Text::new(&notice.title).to_string(), columns, "  ") {
            lines.push(Line::styled(text, theme.bad));
        }
        for problem in &notice.lines {
            for text in wrap(&format!("✗ {}", Text::new(problem).as_str()), columns, "  ") {
                lines.push(Line::styled(text, theme.bad));
            }
        }
    }
    let Some(run) = &runs.active else {
        lines.push(Line::styled("Esc close", theme.muted));
        return lines;
    };
    if let Some(question) = &runs.quit_question {
        for text in wrap(
            &format!("? Quit: {}", Text::new(question).as_str()),
            columns,
            "  ",
        ) {
            lines.push(Line::styled(text, theme.bad));
        }
        lines.push(Line::from(vec![
            Span::styled("  y", theme.header),
            Span::styled(" quit · ", theme.muted),
            Span::styled("n", theme.header),
            Span::styled(" stay", theme.muted),
        ]));
        return lines;
    }
    if let Some(why) = &runs.halted {
        let text = format!("✗ run halted: {}", Text::new(why).as_str());
        for text in wrap(&text, columns, "  ") {
            lines.push(Line::styled(text, theme.bad));
        }
    } else if let Some(prompt) = run.prompt().filter(|_| runs.busy()) {
        lines.extend(prompt_lines(prompt, &runs.panel.input, columns, theme));
    } else if let Some(result) = run.result() {
        lines.extend(result_lines(run, result, columns, theme));
    } else if let Some(step) = runs
        .shown_step()
        .filter(|_| runs.phase() == Some(RunPhase::Working))
    {
        let current = run.current().unwrap_or(step);
        let status = run
            .steps()
            .get(current)
            .map(|s| super::run_steps::status_text(&s.status))
            .unwrap_or_default();
        let text = format!("… step {}: {}", current + 1, Text::new(&status).as_str());
        for text in wrap(&text, columns, "  ") {
            lines.push(Line::styled(text, theme.warn));
        }
    }
    let typing = matches!(run.prompt().map(|p| &p.expect), Some(Expect::Typed(_))) && runs.busy();
    let hints = if typing {
        "Esc hide (the run goes on) · ↑/↓ steps · PgUp/PgDn scroll"
    } else {
        "Esc hide (the run goes on) · j/k steps · PgUp/PgDn scroll"
    };
    lines.push(Line::styled(super::fit(hints, columns), theme.muted));
    lines
}

fn prompt_lines<'a>(
    prompt: &Prompt,
    input: &InputLine,
    columns: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    let mut first = true;
    // The whole plan is shown in the detail pane; here its first line and where to look.
    let message = if prompt.gate == Gate::Plan {
        let first = prompt.message.split('\n').next().unwrap_or_default();
        format!("{first}\nThe whole plan is shown above (PgUp/PgDn scroll).")
    } else {
        prompt.message.clone()
    };
    // Split before sanitizing: the engine's newlines separate facts, other control
    // characters are made visible.
    for paragraph in message.split('\n') {
        let paragraph = Text::new(paragraph);
        let paragraph = paragraph.as_str();
        let wrapped = if first {
            wrap(
                &format!("? {}: {paragraph}", prompt.gate.label()),
                columns,
                "  ",
            )
        } else {
            wrap(paragraph, columns.saturating_sub(2), "")
                .into_iter()
                .map(|t| format!("  {t}"))
                .collect()
        };
        first = false;
        for text in wrapped {
            lines.push(Line::styled(text, theme.warn));
        }
    }
    match &prompt.expect {
        Expect::YesNo => lines.push(Line::from(vec![
            Span::styled("  y", theme.header),
            Span::styled(" yes · ", theme.muted),
            Span::styled("n", theme.header),
            Span::styled(" no", theme.muted),
        ])),
        Expect::Typed(expected) => {
            lines.push(Line::from(vec![
                Span::styled("  type ", theme.muted),
                Span::styled(Text::new(expected).to_string(), theme.header),
                Span::styled(" and press Enter (or type no)", theme.muted),
            ]));
            let room = columns.saturating_sub(5);
            lines.push(Line::from(vec![
                Span::styled("  > ", theme.header),
                Span::styled(field_text(input, room, true), theme.selected),
            ]));
        }
        Expect::Choice(choices) => {
            let mut spans = vec![Span::raw("  ")];
            for (i, choice) in choices.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(" · ", theme.muted));
                }
                spans.push(Span::styled(choice.key().to_string(), theme.header));
                spans.push(Span::styled(format!(" {}", choice.label()), theme.muted));
            }
            lines.push(Line::from(spans));
        }
    }
    lines
}

fn result_lines<'a>(run: &Run, result: &RunResult, columns: usize, theme: &Theme) -> Vec<Line<'a>> {
    let count = run.steps().len();
    let (text, style) = match result {
        RunResult::Completed => match run.outcome() {
            Some(outcome) => (
                format!("✓ completed: {}", Text::new(outcome).as_str()),
                theme.ok,
            ),
            None => (format!("✓ completed: {count} of {count} steps"), theme.ok),
        },
        RunResult::Stopped { step, reason } => (
            format!(
                "■ stopped at step {}/{count}: {}",
                step + 1,
                Text::new(reason).as_str()
            ),
            theme.warn,
        ),
        RunResult::Failed { step, reason } => (
            format!(
                "✗ failed at step {}/{count}: {}",
                step + 1,
                Text::new(reason).as_str()
            ),
            theme.bad,
        ),
    };
    wrap(&text, columns, "  ")
        .into_iter()
        .map(|t| Line::styled(t, style))
        .collect()
}
