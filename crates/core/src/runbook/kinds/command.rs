//! `command`: a program from the config's allowlist, by its allowlist name, run with the
//! step's arguments appended to the allowlisted argv prefix, without a shell. Refused unless
//! the config enables commands; it verifies itself (the exit status).

use std::time::Duration;

use super::{StepKindDef, keys, not_mine};
use crate::runbook::op::PlanReport;
use crate::runbook::params::{CommandPolicy, dns_label, visible};
use crate::runbook::parse::reader::{Accepts, Cur, Reader, child};
use crate::runbook::parse::titles::{field, short};
use crate::runbook::resolve::{Resolver, mutate};
use crate::runbook::resolved::{Mutation, ResolvedStep};
use crate::runbook::spec::{Field, StepKind};
use crate::yaml::{Node, Value};

/// How long a command may run unless the step says `timeout`.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

pub(super) struct Command;

impl StepKindDef for Command {
    fn keyword(&self) -> &'static str {
        "command"
    }

    fn mutates(&self) -> bool {
        true
    }

    fn parse(&self, r: &mut Reader<'_>, cur: Cur<'_>) -> Option<StepKind> {
        keys(r, cur, &["name", "args", "timeout"]);
        let path = child(cur.path, "name");
        let name = r
            .required(
                cur,
                "name",
                "the name of an allowlisted program in the config",
            )
            .and_then(|n| {
                let text = r.scalar(n, &path, "a program name")?;
                match dns_label(&text.replace('_', "-")) {
                    Ok(()) => Some(text.to_string()),
                    Err(why) => {
                        r.report(
                            n,
                            &path,
                            format!("{text:?} is not an allowlist name: {why}"),
                        );
                        None
                    }
                }
            });
        let path = child(cur.path, "args");
        let args = match r.get(cur, "args") {
            None => Some(Vec::new()),
            Some(node) => args(r, node, &path),
        };
        let timeout = r.duration_or(cur, "timeout", COMMAND_TIMEOUT);
        Some(StepKind::Command {
            name: name?,
            args: args?,
            timeout,
        })
    }

    fn describe(&self, kind: &StepKind) -> String {
        let StepKind::Command { name, args, .. } = kind else {
            return kind.keyword().to_owned();
        };
        let mut words = vec![name.clone()];
        words.extend(args.iter().map(field));
        short(&format!("Run {}", words.join(" ")))
    }

    fn resolve(&self, kind: &StepKind, r: &Resolver<'_>) -> Result<ResolvedStep, String> {
        let StepKind::Command {
            name,
            args,
            timeout,
        } = kind
        else {
            return Err(not_mine(self, kind));
        };
        let prefix = allowed_command(name, r.commands)?;
        let mut argv = prefix.to_vec();
        for arg in args {
            argv.push(r.string(arg)?);
        }
        let mutation = Mutation::Command {
            name: name.clone(),
            argv,
            timeout: *timeout,
        };
        Ok(mutate(mutation, *timeout))
    }

    fn change(&self, mutation: &Mutation, _plan: Option<&PlanReport>) -> String {
        let Mutation::Command { name, argv, .. } = mutation else {
            return mutation.verb().to_owned();
        };
        format!("run command {name}: {}", argv.join(" "))
    }

    fn audit_object(&self, mutation: &Mutation) -> String {
        let Mutation::Command { name, .. } = mutation else {
            return mutation.verb().to_owned();
        };
        format!("command/{name}")
    }
}

/// `args: [a, "{{ p }}"]`: each a literal or a whole parameter, never text with a
/// placeholder inside (no shell, no splicing).
fn args(r: &mut Reader<'_>, node: &Node, path: &str) -> Option<Vec<Field<String>>> {
    let Value::Seq(items) = &node.value else {
        let message = format!("expected a list of arguments, found {}", node.describe());
        r.report(node, path, message);
        return None;
    };
    let before = r.count();
    let out: Vec<Field<String>> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let path = format!("{path}[{i}]");
            r.field_string(item, &path, Accepts::Any, "an argument", |t| {
                visible(t).map_err(|why| format!("it {why}"))
            })
        })
        .collect();
    (r.count() == before).then_some(out)
}

/// The allowlisted argv prefix of `name`, or why the command cannot run.
fn allowed_command<'a>(name: &str, commands: &'a CommandPolicy) -> Result<&'a [String], String> {
    if !commands.enabled {
        return Err(format!(
            "command `{name}` cannot run: commands are disabled; set `allow_commands = true` \
             under [runbooks] in the config to enable them"
        ));
    }
    match commands.programs.get(name) {
        Some(prefix) if !prefix.is_empty() => Ok(prefix),
        Some(_) => Err(format!(
            "command `{name}` has an empty argv in [runbooks.commands]; give it the program \
             and its fixed arguments"
        )),
        None => Err(format!(
            "command `{name}` is not in the allowlist; add it under [runbooks.commands] in the \
             config with its argv prefix"
        )),
    }
}
