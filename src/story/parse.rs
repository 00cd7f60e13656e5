//! Story files (TOML) into a [`Story`]: every problem is reported as
//! `file:line:col: steps[3].wait: reason` (the config's spanned walker), unknown keys, key
//! names, durations and conditions included. Durations use the simulator's parser (`15s`,
//! `2m30s`), key names the keymap's (`j`, `enter`, `ctrl-w`).

use toml::de::DeValue;

use super::condition::{Condition, GATE_NAMES, RunEnd};
use super::{Step, StepKind, Story};
use watchdeck_core::action::Key;
use watchdeck_core::config::ConfigErrors;
use watchdeck_core::config::walk::{Tab, Walker, describe};
use watchdeck_sim::clock::Millis;

/// Why a story file was refused: every problem, one per line, in file order.
pub type StoryError = ConfigErrors;

const TOP: &[&str] = &[
    "name",
    "description",
    "scenario",
    "seed",
    "size",
    "at",
    "key_delay",
    "typing",
    "steps",
];
const KINDS: &[&str] = &["caption", "keys", "type", "think", "wait", "expect"];
const CONDITIONS: &[&str] = &[
    "alert_firing",
    "alert_resolved",
    "run",
    "run_step_done",
    "run_asks",
    "burn_below",
    "p99_below",
    "ready_pods",
    "recovery",
    "screen",
];
const DURATION: &str = "a duration such as \"15s\", \"2m30s\" or \"500ms\"";

/// Parses a story file's text; `origin` names it in messages.
pub fn parse(text: &str, origin: &str) -> Result<Story, StoryError> {
    let mut w = Walker::new(text, origin);
    let root = match toml::de::DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            w.report_unkeyed(span.start, format!("invalid TOML: {}", e.message()));
            return Err(w.into_errors());
        }
    };
    let tab = Tab::root(&root);
    w.deny_unknown(&tab, TOP, &[]);
    let string = |w: &mut Walker<'_>, key: &str, what: &str| {
        w.required_string(&tab, key, what)
            .map(|s| s.value.to_string())
            .unwrap_or_default()
    };
    let name = string(&mut w, "name", "the story's name");
    let description = string(
        &mut w,
        "description",
        "one line saying what the story shows",
    );
    let scenario = string(&mut w, "scenario", "a scenario such as \"bad-deploy\"");
    let seed = integer(&mut w, &tab, "seed").unwrap_or(42);
    let size = size(&mut w, &tab).unwrap_or((160, 45));
    let at_ms = duration(&mut w, &tab, "at").unwrap_or(0);
    let key_delay_ms = duration(&mut w, &tab, "key_delay").unwrap_or(400);
    let typing_cps = typing(&mut w, &tab).unwrap_or(6.0);
    let mut steps = Vec::new();
    match w.tables(&tab, "steps", "an array of [[steps]] tables") {
        Some((tabs, _)) => {
            for step in &tabs {
                if let Some(step) = self::step(&mut w, step) {
                    steps.push(step);
                }
            }
        }
        None if tab.get("steps").is_none() => {
            w.missing(
                &tab,
                "steps",
                "[[steps]] tables: caption, keys, type, think, wait, expect",
            );
        }
        None => {}
    }
    w.finish()?;
    Ok(Story {
        origin: origin.to_string(),
        name,
        description,
        scenario,
        seed,
        size,
        at_ms,
        key_delay_ms,
        typing_cps,
        steps,
    })
}

/// One `[[steps]]` table: exactly one kind, and the keys that kind allows.
fn step(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<Step> {
    let line = w.line_of(&tab.span);
    let kinds: Vec<&str> = KINDS
        .iter()
        .copied()
        .filter(|k| tab.get(k).is_some())
        .collect();
    let [kind] = kinds[..] else {
        match (kinds.is_empty(), tab.table.iter().next()) {
            (true, Some((key, _))) => {
                let name: &str = key.get_ref().as_ref();
                let message = format!("unknown step kind; a step is one of {}", KINDS.join(", "));
                w.report(key.span(), &tab.child(name), message);
            }
            (true, None) => {
                let message = format!("empty step; a step is one of {}", KINDS.join(", "));
                w.report(tab.span.clone(), &tab.path, message);
            }
            (false, _) => {
                let message = format!(
                    "a step is exactly one of {}; found {}",
                    KINDS.join(", "),
                    kinds.join(" and ")
                );
                w.report(tab.span.clone(), &tab.path, message);
            }
        }
        return None;
    };
    let extra: &[&str] = match kind {
        "keys" => &["delay"],
        "wait" => &["timeout"],
        _ => &[],
    };
    let allowed: Vec<&str> = std::iter::once(kind).chain(extra.iter().copied()).collect();
    let before = w.problem_count();
    w.deny_unknown(tab, &allowed, &[]);
    let kind = match kind {
        "caption" => {
            StepKind::Caption(w.string(tab, "caption", "the narration")?.value.to_string())
        }
        "type" => StepKind::Type(w.string(tab, "type", "the text typed")?.value.to_string()),
        "think" => StepKind::Think(duration(w, tab, "think")?),
        "keys" => StepKind::Keys {
            keys: keys(w, tab)?,
            delay_ms: duration(w, tab, "delay").unwrap_or(-1),
        },
        "wait" => {
            let until = condition(w, tab, "wait")?;
            let Some(timeout_ms) = duration(w, tab, "timeout") else {
                if tab.get("timeout").is_none() {
                    w.missing(
                        tab,
                        "timeout",
                        &format!("how long to wait at most, {DURATION}"),
                    );
                }
                return None;
            };
            StepKind::Wait { until, timeout_ms }
        }
        _ => StepKind::Expect(condition(w, tab, "expect")?),
    };
    (w.problem_count() == before).then_some(Step { line, kind })
}

/// `keys = ["6", "j", "enter"]` (or one key name as a string).
fn keys(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<Vec<Key>> {
    let value = tab.get("keys")?;
    let path = tab.child("keys");
    let items: Vec<_> = match value.get_ref() {
        DeValue::Array(items) => items.iter().collect(),
        DeValue::String(_) => vec![value],
        other => {
            let message = format!(
                "expected a list of key names such as [\"6\", \"j\", \"enter\"], found {}",
                describe(other)
            );
            w.report(value.span(), &path, message);
            return None;
        }
    };
    let mut keys = Vec::new();
    let mut ok = true;
    for item in items {
        let parsed = match item.get_ref() {
            DeValue::String(name) => Key::parse(name),
            other => Err(format!("expected a key name, found {}", describe(other))),
        };
        match parsed {
            Ok(key) => keys.push(key),
            Err(message) => {
                w.report(item.span(), &path, message);
                ok = false;
            }
        }
    }
    if keys.is_empty() && ok {
        w.report(value.span(), &path, "expected at least one key name");
        return None;
    }
    ok.then_some(keys)
}

/// A `wait` or `expect` table: exactly one condition and its parameters.
fn condition(w: &mut Walker<'_>, step: &Tab<'_, '_>, key: &str) -> Option<Condition> {
    let tab = w.table(
        step,
        key,
        "a condition table such as { alert_firing = \"HighErrorRate\", cluster = \"us-east-1\" }",
    )?;
    let heads: Vec<&str> = CONDITIONS
        .iter()
        .copied()
        .filter(|k| tab.get(k).is_some())
        .collect();
    let [head] = heads[..] else {
        match (heads.is_empty(), tab.table.iter().next()) {
            (true, Some((key, _))) => {
                let name: &str = key.get_ref().as_ref();
                let message = format!(
                    "unknown condition; expected one of {}",
                    CONDITIONS.join(", ")
                );
                w.report(key.span(), &tab.child(name), message);
            }
            (true, None) => {
                let message = format!("empty condition; expected one of {}", CONDITIONS.join(", "));
                w.report(tab.span.clone(), &tab.path, message);
            }
            (false, _) => {
                let message = format!("one condition per step; found {}", heads.join(" and "));
                w.report(tab.span.clone(), &tab.path, message);
            }
        }
        return None;
    };
    let params: &[&str] = match head {
        "alert_firing" | "alert_resolved" => &["cluster"],
        "burn_below" => &["slo", "cluster", "window"],
        "ready_pods" => &["workload", "cluster"],
        "p99_below" => &["service", "cluster"],
        _ => &[],
    };
    let allowed: Vec<&str> = std::iter::once(head)
        .chain(params.iter().copied())
        .collect();
    let before = w.problem_count();
    w.deny_unknown(&tab, &allowed, &[]);
    let text = |w: &mut Walker<'_>, key: &str, what: &str| {
        w.required_string(&tab, key, what)
            .map(|s| s.value.to_string())
    };
    let condition = match head {
        "alert_firing" | "alert_resolved" => {
            let name = text(w, head, "an alert name")?;
            let cluster = w
                .string(&tab, "cluster", "a cluster name")
                .map(|s| s.value.to_string());
            if head == "alert_firing" {
                Condition::AlertFiring { name, cluster }
            } else {
                Condition::AlertResolved { name, cluster }
            }
        }
        "run" => {
            let end = text(w, head, "how the run ends")?;
            let Some(end) = RunEnd::from_name(&end) else {
                let span = tab.get(head).map_or(tab.span.clone(), |v| v.span());
                let message = format!(
                    "unknown run end {end:?}; expected one of {}",
                    RunEnd::NAMES.join(", ")
                );
                w.report(span, &tab.child(head), message);
                return None;
            };
            Condition::Run(end)
        }
        "run_step_done" => {
            let step = integer(w, &tab, head)?;
            Condition::RunStepDone(usize::try_from(step).unwrap_or(0).max(1))
        }
        "run_asks" => {
            let gate = text(w, head, "a gate name")?;
            let Some((_, gate)) = GATE_NAMES.iter().find(|(n, _)| *n == gate) else {
                let names: Vec<&str> = GATE_NAMES.iter().map(|(n, _)| *n).collect();
                let span = tab.get(head).map_or(tab.span.clone(), |v| v.span());
                w.report(
                    span,
                    &tab.child(head),
                    format!(
                        "unknown gate {gate:?}; expected one of {}",
                        names.join(", ")
                    ),
                );
                return None;
            };
            Condition::RunAsks(*gate)
        }
        "burn_below" => Condition::BurnBelow {
            below: number(w, &tab, head)?,
            slo: text(w, "slo", "an SLO name")?,
            cluster: text(w, "cluster", "a cluster name")?,
            window_secs: duration(w, &tab, "window").map_or(300, |ms| (ms / 1000).max(1) as u64),
        },
        "p99_below" => Condition::P99Below {
            below_secs: duration(w, &tab, head)? as f64 / 1000.0,
            service: text(w, "service", "a service name")?,
            cluster: text(w, "cluster", "a cluster name")?,
        },
        "ready_pods" => {
            let at_least = u32::try_from(integer(w, &tab, head)?).unwrap_or(u32::MAX);
            let cluster = text(w, "cluster", "a cluster name")?;
            let workload = w.required_string(&tab, "workload", "namespace/name")?;
            let Some((namespace, name)) = workload.value.split_once('/') else {
                w.report(
                    workload.span(),
                    &tab.child("workload"),
                    format!(
                        "expected namespace/name such as \"shop/order\", found {:?}",
                        workload.value
                    ),
                );
                return None;
            };
            Condition::ReadyPods {
                cluster,
                namespace: namespace.to_string(),
                name: name.to_string(),
                at_least,
            }
        }
        "recovery" => {
            let verdict = w.string(&tab, head, "\"met\"")?;
            if verdict.value != "met" {
                let message = format!(
                    "expected \"met\" (recovery within the RTO and RPO), found {:?}",
                    verdict.value
                );
                w.report(verdict.span(), &tab.child(head), message);
                return None;
            }
            Condition::RecoveryMet
        }
        _ => Condition::Screen(text(w, head, "the text to find on screen")?),
    };
    (w.problem_count() == before).then_some(condition)
}

/// A duration entry (`None` when absent or, reported, invalid).
fn duration(w: &mut Walker<'_>, tab: &Tab<'_, '_>, key: &str) -> Option<Millis> {
    let text = w.string(tab, key, DURATION)?;
    match watchdeck_sim::scenario::parse_duration(text.value) {
        Some(ms) => Some(ms),
        None => {
            let message = format!("expected {DURATION}, found {:?}", text.value);
            w.report(text.span(), &tab.child(key), message);
            None
        }
    }
}

fn integer(w: &mut Walker<'_>, tab: &Tab<'_, '_>, key: &str) -> Option<u64> {
    let value = tab.get(key)?;
    match value.get_ref() {
        DeValue::Integer(i) => match u64::try_from(i.as_str().parse::<i64>().unwrap_or(-1)) {
            Ok(n) => Some(n),
            Err(_) => {
                w.report(
                    value.span(),
                    &tab.child(key),
                    format!("expected a whole number of at least 0, found {i}"),
                );
                None
            }
        },
        other => {
            w.report(
                value.span(),
                &tab.child(key),
                format!("expected a whole number, found {}", describe(other)),
            );
            None
        }
    }
}

fn number(w: &mut Walker<'_>, tab: &Tab<'_, '_>, key: &str) -> Option<f64> {
    let value = tab.get(key)?;
    let parsed = match value.get_ref() {
        DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    };
    match parsed.filter(|n| n.is_finite()) {
        Some(n) => Some(n),
        None => {
            let message = format!("expected a number, found {}", describe(value.get_ref()));
            w.report(value.span(), &tab.child(key), message);
            None
        }
    }
}

/// `size = "160x45"`: at least 80x24.
fn size(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<(u16, u16)> {
    let text = w.string(tab, "size", "columns x rows such as \"160x45\"")?;
    match parse_size(text.value) {
        Ok(size) => Some(size),
        Err(message) => {
            w.report(text.span(), &tab.child("size"), message);
            None
        }
    }
}

/// `WxH`, at least 80x24 and at most 1000x1000.
pub fn parse_size(text: &str) -> Result<(u16, u16), String> {
    let parsed = text
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u16>().ok()?, h.trim().parse::<u16>().ok()?)));
    match parsed {
        Some((w, h)) if (80..=1000).contains(&w) && (24..=1000).contains(&h) => Ok((w, h)),
        Some(_) => Err(format!(
            "a terminal of at least 80x24 and at most 1000x1000, found {text:?}"
        )),
        None => Err(format!(
            "expected columns x rows such as \"160x45\", found {text:?}"
        )),
    }
}

/// `typing = 6`: characters per second, above 0.
fn typing(w: &mut Walker<'_>, tab: &Tab<'_, '_>) -> Option<f64> {
    let cps = number(w, tab, "typing")?;
    if cps > 0.0 && cps <= 100.0 {
        return Some(cps);
    }
    let span = tab.get("typing").map_or(tab.span.clone(), |v| v.span());
    w.report(
        span,
        &tab.child("typing"),
        format!("expected characters per second above 0 and at most 100, found {cps}"),
    );
    None
}
