//! Configuration: clusters and their endpoints, from TOML.
//!
//! The file is parsed into a spanned TOML tree and read by hand, so that every problem
//! (syntax, unknown or misspelled key, wrong type, bad value, rule across keys) is reported
//! at once as `file:line:col: key.path: expected ..., found ...`. The result is a fully
//! resolved [`Config`]: defaults applied, `~` and relative paths expanded.

mod alert_filter;
mod endpoint;
mod error;
mod keys;
mod metrics;
mod model;
mod paths;
pub mod runbooks;
#[cfg(test)]
mod runbooks_tests;
mod schema;
pub mod slo;
#[cfg(test)]
mod tests;
mod values;
pub mod walk;

use std::path::{Path, PathBuf};

pub use error::{ConfigError, ConfigErrors, Problem};
pub use metrics::{MetricsQueries, PLACEHOLDERS as METRICS_PLACEHOLDERS};
pub use model::{
    ClusterConfig, Config, DEFAULT_ALERTMANAGER_TIMEOUT, DEFAULT_CLUSTER_LABEL,
    DEFAULT_PROMETHEUS_TIMEOUT, DEFAULT_REFRESH_INTERVAL, DEFAULT_THEME, Endpoint, EndpointConfig,
    GlobalPrometheus, Header, HttpOptions, HttpUrl, InvalidUrl, MetricsSource, Sensitive,
    ServicePort, ThemeRef, UiConfig,
};
pub use paths::{default_path, state_dir};

use paths::PathResolver;
use walk::{Tab, Walker};

impl Config {
    /// Reads and validates a config file. Relative paths in it are taken relative to the
    /// file's directory. A missing file is [`ConfigError::NotFound`].
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ConfigError::NotFound {
                path: path.to_path_buf(),
            },
            _ => ConfigError::Read {
                path: path.to_path_buf(),
                source,
            },
        })?;
        let origin = path.display().to_string();
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid =
                    String::from_utf8_lossy(bytes.get(..e.valid_up_to()).unwrap_or_default());
                let mut w = Walker::new(&valid, &origin);
                w.report_unkeyed(valid.len(), "expected UTF-8 text, found an invalid byte");
                return Err(w.into_errors().into());
            }
        };
        let base_dir = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf));
        Ok(parse(text, &origin, &PathResolver::from_env(base_dir))?)
    }

    /// Parses and validates config text; `origin` (usually the file name) starts every
    /// message. Relative paths in the text stay relative; `~` is expanded from `$HOME`.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Config, ConfigErrors> {
        parse(text, origin, &PathResolver::from_env(None))
    }
}

/// A config together with the file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    /// The file that was read.
    pub path: PathBuf,
    /// Its contents.
    pub config: Config,
}

/// Loads the config for a run: the `--config` file if one was given (it must exist),
/// else the file at [`default_path`] if there is one. `Ok(None)` means no config file, in
/// which case watchdeck runs its built-in simulated fleet.
pub fn discover(cli_path: Option<&Path>) -> Result<Option<LoadedConfig>, ConfigError> {
    let path = match cli_path {
        Some(p) => p.to_path_buf(),
        None => match default_path() {
            Some(p) if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let config = Config::load(&path)?;
    Ok(Some(LoadedConfig { path, config }))
}

pub(crate) fn parse(
    text: &str,
    origin: &str,
    paths: &PathResolver,
) -> Result<Config, ConfigErrors> {
    let mut w = Walker::new(text, origin);
    let root = match toml::de::DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let mut message = format!("invalid TOML: {}", e.message());
            let snippet = text.get(span.clone()).unwrap_or_default();
            if e.message() == "duplicate key" && !snippet.contains('\n') {
                message = format!("invalid TOML: duplicate key `{snippet}`");
            }
            w.report_unkeyed(span.start, message);
            return Err(w.into_errors());
        }
    };
    let config = schema::config(&mut w, &Tab::root(&root), paths);
    w.finish().map(|()| config)
}
