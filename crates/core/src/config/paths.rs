//! Where watchdeck looks for its files (XDG base directories) and how paths written in
//! the config are resolved (`~` expansion, relative to the config file's directory).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// `$XDG_CONFIG_HOME/watchdeck/config.toml`, else `$HOME/.config/watchdeck/config.toml`;
/// `None` when neither variable gives an absolute directory.
pub fn default_path() -> Option<PathBuf> {
    config_path_from(
        std::env::var_os("XDG_CONFIG_HOME"),
        std::env::var_os("HOME"),
    )
}

/// Directory for the log file: `$XDG_STATE_HOME/watchdeck`, else
/// `$HOME/.local/state/watchdeck`; `None` when neither is usable. Not created here.
pub fn state_dir() -> Option<PathBuf> {
    state_dir_from(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
}

pub(crate) fn config_path_from(xdg: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    xdg_dir(xdg, home, ".config").map(|d| d.join("watchdeck").join("config.toml"))
}

pub(crate) fn state_dir_from(xdg: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    xdg_dir(xdg, home, ".local/state").map(|d| d.join("watchdeck"))
}

/// The XDG spec says to ignore a variable that is empty or not absolute.
fn xdg_dir(xdg: Option<OsString>, home: Option<OsString>, fallback: &str) -> Option<PathBuf> {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    absolute(xdg).or_else(|| absolute(home).map(|h| h.join(fallback)))
}

/// Resolves paths written in a config file.
#[derive(Debug, Clone)]
pub(crate) struct PathResolver {
    /// Home directory for `~`.
    pub(crate) home: Option<PathBuf>,
    /// Directory of the config file, for relative paths; `None` leaves them relative.
    pub(crate) base_dir: Option<PathBuf>,
}

impl PathResolver {
    /// Uses `$HOME` and the given base directory.
    pub(crate) fn from_env(base_dir: Option<PathBuf>) -> Self {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        PathResolver { home, base_dir }
    }

    /// `~` and `~/x` become the home directory; other relative paths are joined to the
    /// config file's directory. The error completes "expected ..., found ...".
    pub(crate) fn resolve(&self, written: &str) -> Result<PathBuf, String> {
        if written.is_empty() {
            return Err("expected a file path, found an empty string".to_owned());
        }
        if written.contains('\0') {
            return Err("expected a file path, found a NUL character".to_owned());
        }
        if let Some(rest) = written.strip_prefix('~') {
            let rest = if rest.is_empty() {
                ""
            } else if let Some(r) = rest.strip_prefix('/') {
                r
            } else {
                return Err(format!(
                    "expected a path starting with `~/` or without `~`, found {} (`~user` is not expanded)",
                    super::values::quoted(written)
                ));
            };
            let home = self.home.as_ref().ok_or_else(|| {
                format!(
                    "expected $HOME to be set to expand `~`, found it unset (path {})",
                    super::values::quoted(written)
                )
            })?;
            return Ok(if rest.is_empty() {
                home.clone()
            } else {
                home.join(rest)
            });
        }
        let path = Path::new(written);
        Ok(match &self.base_dir {
            Some(base) if path.is_relative() => base.join(path),
            _ => path.to_path_buf(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> Option<OsString> {
        Some(OsString::from(s))
    }

    #[test]
    fn config_path_prefers_xdg_config_home_then_home() {
        assert_eq!(
            config_path_from(os("/xdg"), os("/home/me")),
            Some(PathBuf::from("/xdg/watchdeck/config.toml"))
        );
        assert_eq!(
            config_path_from(None, os("/home/me")),
            Some(PathBuf::from("/home/me/.config/watchdeck/config.toml"))
        );
        // Empty or relative XDG values are ignored, as the spec requires.
        assert_eq!(
            config_path_from(os(""), os("/home/me")),
            config_path_from(os("rel/dir"), os("/home/me"))
        );
        assert_eq!(config_path_from(None, None), None);
    }

    #[test]
    fn state_dir_prefers_xdg_state_home_then_home() {
        assert_eq!(
            state_dir_from(os("/st"), os("/home/me")),
            Some(PathBuf::from("/st/watchdeck"))
        );
        assert_eq!(
            state_dir_from(None, os("/home/me")),
            Some(PathBuf::from("/home/me/.local/state/watchdeck"))
        );
    }

    #[test]
    fn tilde_and_relative_paths_are_resolved() {
        let r = PathResolver {
            home: Some(PathBuf::from("/home/me")),
            base_dir: Some(PathBuf::from("/etc/watchdeck")),
        };
        assert_eq!(
            r.resolve("~/.kube/config"),
            Ok(PathBuf::from("/home/me/.kube/config"))
        );
        assert_eq!(r.resolve("~"), Ok(PathBuf::from("/home/me")));
        assert_eq!(
            r.resolve("tokens/a"),
            Ok(PathBuf::from("/etc/watchdeck/tokens/a"))
        );
        assert_eq!(r.resolve("/abs"), Ok(PathBuf::from("/abs")));
        assert!(r.resolve("~bob/x").is_err());
        let no_home = PathResolver {
            home: None,
            base_dir: None,
        };
        assert!(no_home.resolve("~/x").is_err());
        assert_eq!(no_home.resolve("rel"), Ok(PathBuf::from("rel")));
    }
}
