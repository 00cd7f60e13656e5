//! `[runbooks]` and the per-cluster guard settings: defaults, resolution and messages.

use std::path::PathBuf;

use super::paths::PathResolver;
use super::*;

fn parse_text(text: &str) -> Result<Config, String> {
    let resolver = PathResolver {
        home: Some(PathBuf::from("/home/sre")),
        base_dir: Some(PathBuf::from("/etc/watchdeck")),
    };
    parse(text, "t.toml", &resolver).map_err(|e| e.to_string())
}

const CLUSTER: &str = "[[clusters]]\nname = \"a\"\n";

#[test]
fn without_a_runbooks_section_commands_are_off_and_the_audit_file_is_the_default() {
    let config = parse_text(CLUSTER).unwrap();
    assert_eq!(config.runbooks, runbooks::RunbooksConfig::default());
    assert!(!config.runbooks.commands.enabled);
    assert!(!config.clusters[0].production);
}

#[test]
fn a_full_runbooks_section_resolves_paths_commands_and_endpoints() {
    let text = format!(
        "{CLUSTER}[runbooks]\ndirs = [\"~/runbooks\", \"team\"]\naudit_file = \"audit/log.jsonl\"\nallow_commands = true\n[runbooks.commands]\naws-rds-promote = [\"aws\", \"rds\", \"promote-read-replica\"]\n[runbooks.patroni]\norders = \"http://127.0.0.1:8008\"\n"
    );
    let config = parse_text(&text).unwrap();
    let r = &config.runbooks;
    assert_eq!(
        r.dirs,
        [
            PathBuf::from("/home/sre/runbooks"),
            PathBuf::from("/etc/watchdeck/team")
        ]
    );
    assert_eq!(
        r.audit_file,
        Some(PathBuf::from("/etc/watchdeck/audit/log.jsonl"))
    );
    assert!(r.commands.enabled);
    assert_eq!(
        r.commands.programs["aws-rds-promote"],
        ["aws", "rds", "promote-read-replica"]
    );
    assert_eq!(r.patroni["orders"].as_str(), "http://127.0.0.1:8008");
}

#[test]
fn bad_runbooks_entries_are_named_with_line_and_key() {
    let text = format!(
        "{CLUSTER}[runbooks]\nallow_command = true\n[runbooks.commands]\nrm = []\n\"Bad Name\" = [\"x\"]\nsh = \"sh -c id\"\n[runbooks.patroni]\norders = \"ftp://x\"\n"
    );
    let message = parse_text(&text).unwrap_err();
    assert!(
        message.contains(
            "t.toml:4:1: runbooks.allow_command: unknown key; did you mean `allow_commands`?"
        ),
        "{message}"
    );
    assert!(
        message
            .contains("runbooks.commands.rm: expected at least the program, found an empty list"),
        "{message}"
    );
    assert!(
        message.contains("runbooks.commands.\"Bad Name\": expected a command name"),
        "{message}"
    );
    assert!(
        message.contains("runbooks.commands.sh: expected an argv list"),
        "{message}"
    );
    assert!(
        message
            .contains("t.toml:10:10: runbooks.patroni.orders: expected an http:// or https:// URL"),
        "{message}"
    );
}

#[test]
fn production_follows_the_env_label_unless_set() {
    let config = parse_text(
        "[[clusters]]\nname = \"a\"\nlabels = { env = \"prod\" }\n[[clusters]]\nname = \"b\"\nlabels = { env = \"production\" }\nproduction = false\n[[clusters]]\nname = \"c\"\nproduction = true\nread_only = true\n",
    )
    .unwrap();
    let flags: Vec<(bool, bool)> = config
        .clusters
        .iter()
        .map(|c| (c.production, c.read_only))
        .collect();
    assert_eq!(flags, [(true, false), (false, false), (true, true)]);
}
