//! Who answers the engine's prompts in `watchdeck run`: a person at the terminal, or, without
//! one, the command line's flags (`--yes` approves the plan, `--confirm CLUSTER` each
//! production cluster, `--accept-data-loss DURATION` a promotion over its `max_lag`; a failed
//! step always stops).

use std::io::{BufRead, Write};

use watchdeck_core::runbook::engine::{Answer, Expect, Gate, Prompt, Recovery, Run};
use watchdeck_io::runner::Answerer;

/// Answers from `--yes`, `--confirm` and `--accept-data-loss`.
#[derive(Debug, Clone, Default)]
pub struct FlagAnswers {
    pub yes: bool,
    pub confirms: Vec<String>,
    pub accept_data_loss: Option<std::time::Duration>,
    /// Typed confirmations given so far and refused by the engine are not given again.
    pub tried: Vec<String>,
}

impl Answerer for FlagAnswers {
    fn answer(&mut self, prompt: &Prompt, _run: &Run) -> (Answer, Option<String>) {
        match &prompt.expect {
            Expect::YesNo if self.yes && prompt.gate.accepts_yes_flag() => (
                // Typed "--yes" counts as yes and is recorded as given in the audit log.
                Answer::Typed("--yes".to_owned()),
                Some(format!("{}: yes (--yes)", prompt.gate.label())),
            ),
            Expect::YesNo => (
                Answer::No,
                Some(format!(
                    "{}: no terminal to ask and no --yes: declined",
                    prompt.gate.label()
                )),
            ),
            Expect::Typed(expected) if prompt.gate == Gate::DataLoss => {
                match (prompt.data_at_risk, self.accept_data_loss) {
                    (Some(risk), Some(accepted)) if accepted >= risk => (
                        Answer::Typed(expected.clone()),
                        Some(format!("{expected} (--accept-data-loss)")),
                    ),
                    (risk, _) => (
                        Answer::No,
                        Some(format!(
                            "promoting loses {} of writes, over the step's limit: pass \
                             --accept-data-loss with at least that much to go on; declined",
                            risk.map_or_else(|| "an unknown amount".to_owned(), human)
                        )),
                    ),
                }
            }
            Expect::Typed(expected) => {
                // The cluster, or (as scripts wrote it before) cluster/namespace/name of an
                // object of that cluster: the engine checks it is one the plan changes. A text
                // the engine did not take is not given twice (it would ask forever).
                let exact = self.confirms.iter().any(|c| c.trim() == expected);
                let given = if exact {
                    Some(expected.clone())
                } else {
                    self.confirms.iter().map(|c| c.trim().to_owned()).find(|c| {
                        c.strip_prefix(expected.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                            && !self.tried.contains(c)
                    })
                };
                match given {
                    Some(text) => {
                        if !exact {
                            self.tried.push(text.clone());
                        }
                        let note = format!("confirmed {text} (--confirm)");
                        (Answer::Typed(text), Some(note))
                    }
                    _ => (
                        Answer::No,
                        Some(format!(
                            "{expected} is a production cluster: pass --confirm {expected} to act on it; declined"
                        )),
                    ),
                }
            }
            Expect::Choice(choices) => {
                let stop = if choices.contains(&Recovery::Stop) {
                    Recovery::Stop
                } else {
                    choices.last().copied().unwrap_or(Recovery::Stop)
                };
                (
                    Answer::Recover(stop),
                    Some("no terminal to choose a recovery: stopped here".to_owned()),
                )
            }
        }
    }
}

/// `7m12s`, as the acknowledgement names it.
fn human(d: std::time::Duration) -> String {
    watchdeck_core::duration::format_duration(d)
}

/// Answers typed by a person at the terminal (stdin), prompted on stderr.
#[derive(Debug, Default)]
pub struct TerminalAnswers;

impl Answerer for TerminalAnswers {
    fn answer(&mut self, prompt: &Prompt, _run: &Run) -> (Answer, Option<String>) {
        let ask = |question: &str| -> Option<String> {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "{question}");
            let _ = stderr.flush();
            let mut line = String::new();
            // In the runtime's worker: reading the terminal blocks only this run.
            let read = tokio::task::block_in_place(|| std::io::stdin().lock().read_line(&mut line));
            match read {
                Ok(0) | Err(_) => None,
                Ok(_) => Some(line.trim().to_owned()),
            }
        };
        match &prompt.expect {
            Expect::YesNo => loop {
                match ask("  answer y or n: ").as_deref() {
                    None => return (Answer::No, Some("end of input: declined".to_owned())),
                    Some("y" | "yes") => return (Answer::Yes, None),
                    Some("n" | "no") => return (Answer::No, None),
                    Some(_) => {}
                }
            },
            Expect::Typed(expected) => match ask(&format!(
                "  type {expected} to confirm (empty to decline): "
            )) {
                None => (Answer::No, Some("end of input: declined".to_owned())),
                Some(text) if text.is_empty() => (Answer::No, None),
                Some(text) => (Answer::Typed(text), None),
            },
            Expect::Choice(choices) => {
                let keys: Vec<String> = choices
                    .iter()
                    .map(|c| format!("[{}] {}", c.key(), c.label()))
                    .collect();
                loop {
                    let Some(text) = ask(&format!("  {}: ", keys.join("  "))) else {
                        let stop = Recovery::Stop;
                        return (
                            Answer::Recover(stop),
                            Some("end of input: stopped".to_owned()),
                        );
                    };
                    if let Some(choice) = choices.iter().find(|c| {
                        text == c.key().to_string() || text.eq_ignore_ascii_case(c.label())
                    }) {
                        return (Answer::Recover(*choice), None);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;
    use watchdeck_core::runbook::engine::RunContext;
    use watchdeck_core::runbook::spec::{Objectives, Runbook};
    use watchdeck_io::runner::Answerer;

    fn run() -> Run {
        let runbook = Runbook {
            id: "empty".into(),
            source: Default::default(),
            title: String::new(),
            description: String::new(),
            params: Vec::new(),
            triggers: Vec::new(),
            objectives: Objectives::default(),
            steps: Vec::new(),
        };
        Run::new(Arc::new(runbook), Default::default(), RunContext::default())
    }

    fn typed(gate: Gate, text: &str, amount: Option<Duration>) -> Prompt {
        Prompt {
            gate,
            message: String::new(),
            expect: Expect::Typed(text.into()),
            data_at_risk: amount,
        }
    }

    #[test]
    fn confirm_names_the_cluster_or_as_before_an_object_of_it() {
        let prompt = typed(Gate::Production, "eu-west-1", None);
        for given in ["eu-west-1", "eu-west-1/shop/order"] {
            let mut flags = FlagAnswers {
                confirms: vec![given.into()],
                ..FlagAnswers::default()
            };
            let (answer, _) = flags.answer(&prompt, &run());
            assert_eq!(answer, Answer::Typed(given.into()));
        }
        let mut flags = FlagAnswers {
            confirms: vec!["eu-west-10".into(), "us-east-1/shop/order".into()],
            ..FlagAnswers::default()
        };
        let (answer, note) = flags.answer(&prompt, &run());
        assert_eq!(answer, Answer::No);
        assert!(note.unwrap().contains("pass --confirm eu-west-1"));
        // An object the plan does not change is refused by the engine and asked again: the
        // flags do not give it twice.
        let mut flags = FlagAnswers {
            confirms: vec!["eu-west-1/shop/nothing".into()],
            ..FlagAnswers::default()
        };
        let first = flags.answer(&prompt, &run()).0;
        assert_eq!(first, Answer::Typed("eu-west-1/shop/nothing".into()));
        assert_eq!(flags.answer(&prompt, &run()).0, Answer::No);
    }

    #[test]
    fn accept_data_loss_must_cover_the_figure_and_yes_alone_never_does() {
        let prompt = typed(
            Gate::DataLoss,
            "accept 7m12s of lost writes",
            Some(Duration::from_secs(432)),
        );
        let answer = |accept: Option<u64>| {
            let mut flags = FlagAnswers {
                yes: true,
                accept_data_loss: accept.map(Duration::from_secs),
                ..FlagAnswers::default()
            };
            flags.answer(&prompt, &run())
        };
        assert_eq!(
            answer(Some(600)).0,
            Answer::Typed("accept 7m12s of lost writes".into())
        );
        assert_eq!(
            answer(Some(432)).0,
            Answer::Typed("accept 7m12s of lost writes".into())
        );
        let (no, note) = answer(Some(300));
        assert_eq!(no, Answer::No);
        assert!(note.unwrap().contains("loses 7m12s of writes"));
        assert_eq!(
            answer(None).0,
            Answer::No,
            "--yes does not accept lost writes"
        );
    }
}
