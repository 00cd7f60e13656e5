//! The operating-system user for the audit log: `$USER`, else `$LOGNAME`, else the numeric
//! uid read from /proc (a process started by cron may have no user variables).

/// The user running watchdeck, never empty.
pub fn os_user() -> String {
    from_env(std::env::var("USER").ok(), std::env::var("LOGNAME").ok())
        .or_else(uid_from_proc)
        .unwrap_or_else(|| "unknown".to_owned())
}

fn from_env(user: Option<String>, logname: Option<String>) -> Option<String> {
    [user, logname]
        .into_iter()
        .flatten()
        .map(|name| {
            watchdeck_core::text::Text::new(name.trim())
                .as_str()
                .to_owned()
        })
        .find(|name| !name.is_empty())
}

fn uid_from_proc() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let uid = status
        .lines()
        .find_map(|line| line.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?;
    Some(format!("uid {uid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_wins_over_logname_and_blank_values_are_skipped() {
        assert_eq!(
            from_env(Some("alice".into()), Some("bob".into())),
            Some("alice".into())
        );
        assert_eq!(
            from_env(Some("  ".into()), Some("bob".into())),
            Some("bob".into())
        );
        assert_eq!(from_env(None, None), None);
    }

    #[test]
    fn control_characters_in_a_user_name_are_made_visible() {
        let name = from_env(Some("eve\u{1b}[2J".into()), None).unwrap();
        assert!(!name.contains('\u{1b}'), "{name:?}");
    }
}
