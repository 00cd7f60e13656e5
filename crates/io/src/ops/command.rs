//! Allowlisted programs: run with an argv array (no shell), stdin closed, output bounded and
//! sanitized, killed at the step's timeout. The allowlist is checked again here (defence in
//! depth): a program whose argv does not start with its allowlisted prefix never runs.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

use super::client::Ops;
use watchdeck_core::runbook::op::diff::diff;
use watchdeck_core::runbook::op::{ExecError, Executed, PlanReport, Snapshot};
use watchdeck_core::runbook::params::CommandPolicy;
use watchdeck_core::text::sanitize;

/// Output kept per stream; the rest is read and dropped.
const MAX_OUTPUT: usize = 64 * 1024;
/// Lines of output quoted in a message.
const QUOTED_LINES: usize = 5;

/// Why `argv` may not run under `policy`, if it may not.
pub fn refusal(policy: &CommandPolicy, name: &str, argv: &[String]) -> Option<String> {
    if !policy.enabled {
        return Some(
            "commands are disabled: enable them in the config ([commands] enabled = true)"
                .to_string(),
        );
    }
    let Some(prefix) = policy.programs.get(name) else {
        return Some(format!(
            "command {} is not in the config's allowlist",
            sanitize(name)
        ));
    };
    if prefix.is_empty() || !argv.starts_with(prefix) {
        return Some(format!(
            "command {}: the argv does not start with the allowlisted `{}`",
            sanitize(name),
            sanitize(&prefix.join(" "))
        ));
    }
    None
}

/// The argv as one line, each argument quoted when it holds blanks or quotes.
pub fn argv_line(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| {
            let arg = sanitize(arg);
            if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"')
            {
                format!("'{}'", arg.replace('\'', "'\\''"))
            } else {
                arg
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn plan(ops: &Ops, name: &str, argv: &[String]) -> PlanReport {
    let after = Snapshot {
        resource_version: None,
        lines: vec![format!("run: {}", argv_line(argv))],
    };
    PlanReport {
        diff: diff(&[], &after.lines),
        before: Snapshot::default(),
        after,
        patch: serde_json::Value::Null,
        refusal: refusal(ops.commands(), name, argv),
        current_replicas: None,
        data_at_risk: None,
        target_replicas: None,
        ready_before: None,
        already: None,
        notes: Vec::new(),
    }
}

pub async fn execute(
    ops: &Ops,
    name: &str,
    argv: &[String],
    timeout: Duration,
) -> Result<Executed, ExecError> {
    if let Some(reason) = refusal(ops.commands(), name, argv) {
        return Err(ExecError::Rejected(reason));
    }
    let Some((program, args)) = argv.split_first() else {
        return Err(ExecError::Rejected(format!("command {name}: empty argv")));
    };
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| ExecError::NotSent(format!("cannot run {}: {e}", sanitize(program))))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let run = async {
        let (out, err, status) = tokio::join!(bounded(stdout), bounded(stderr), child.wait());
        (out, err, status)
    };
    let (out, err, status) = match tokio::time::timeout(timeout, run).await {
        Ok(done) => done,
        Err(_) => {
            // kill_on_drop ends it; kill now so it is gone before we answer.
            let _ = child.start_kill();
            let _ = child.wait().await;
            return Err(ExecError::Unknown(format!(
                "{} did not finish within {} s and was killed: outcome unknown, verify",
                sanitize(program),
                timeout.as_secs_f64()
            )));
        }
    };
    let status = status.map_err(|e| {
        ExecError::Unknown(format!(
            "waiting for {}: {e}: outcome unknown, verify",
            sanitize(program)
        ))
    })?;
    if status.success() {
        let last = last_lines(&out);
        Ok(Executed {
            resource_version: None,
            message: if last.is_empty() {
                format!("{} exited 0", sanitize(program))
            } else {
                format!("{} exited 0: {last}", sanitize(program))
            },
        })
    } else {
        let code = status.code().map_or_else(
            || "was killed by a signal".to_string(),
            |c| format!("exited with {c}"),
        );
        let last = last_lines(&err);
        Err(ExecError::Rejected(if last.is_empty() {
            format!("{} {code}", sanitize(program))
        } else {
            format!("{} {code}: {last}", sanitize(program))
        }))
    }
}

/// Reads a stream to its end, keeping at most `MAX_OUTPUT` bytes.
async fn bounded(stream: Option<impl AsyncRead + Unpin>) -> Vec<u8> {
    let Some(mut stream) = stream else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = MAX_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
        }
    }
    kept
}

/// The last few non-empty lines, sanitized and joined with ` / `.
fn last_lines(output: &[u8]) -> String {
    let text = String::from_utf8_lossy(output);
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(sanitize)
        .collect();
    let start = lines.len().saturating_sub(QUOTED_LINES);
    lines[start..].join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> CommandPolicy {
        CommandPolicy {
            enabled: true,
            programs: [(
                "promote-rds".to_string(),
                vec![
                    "aws".to_string(),
                    "rds".to_string(),
                    "promote-read-replica".to_string(),
                ],
            )]
            .into_iter()
            .collect(),
        }
    }

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_allowlisted_prefixes_run() {
        let ok = argv(&[
            "aws",
            "rds",
            "promote-read-replica",
            "--db-instance-identifier",
            "x",
        ]);
        assert_eq!(refusal(&policy(), "promote-rds", &ok), None);
        assert!(refusal(&policy(), "other", &ok).is_some());
        let swapped = argv(&["aws", "rds", "delete-db-instance", "x"]);
        assert!(refusal(&policy(), "promote-rds", &swapped).is_some());
        let disabled = CommandPolicy {
            enabled: false,
            ..policy()
        };
        assert!(refusal(&disabled, "promote-rds", &ok).is_some());
    }

    #[test]
    fn argv_line_quotes_what_a_reader_could_misread() {
        assert_eq!(
            argv_line(&argv(&["echo", "a b", "it's", "$(id)"])),
            "echo 'a b' 'it'\\''s' $(id)"
        );
        assert_eq!(
            last_lines(b"one\n\ntwo\n\x1b[31mred\n"),
            "one / two / \u{241b}[31mred"
        );
    }
}
