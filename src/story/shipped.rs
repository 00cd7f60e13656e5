//! The stories built into the binary (`fixtures/stories/*.toml`), and how a story is found by
//! name or by path.

use std::path::Path;

use super::{Story, StoryError, parse};

/// Name and text of every shipped story, in the order `watchdeck demo --list` shows them.
pub const SHIPPED: &[(&str, &str)] = &[
    ("tour", include_str!("../../fixtures/stories/tour.toml")),
    (
        "bad-deploy",
        include_str!("../../fixtures/stories/bad-deploy.toml"),
    ),
    (
        "traffic-spike",
        include_str!("../../fixtures/stories/traffic-spike.toml"),
    ),
    (
        "regional-failover",
        include_str!("../../fixtures/stories/regional-failover.toml"),
    ),
    (
        "bad-canary",
        include_str!("../../fixtures/stories/bad-canary.toml"),
    ),
];

/// Why a story could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("no story {name:?}: the shipped stories are {}; or give a path to a .toml story file", names().join(", "))]
    Unknown { name: String },
    #[error("cannot read story file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(#[from] StoryError),
}

/// The names of the shipped stories.
pub fn names() -> Vec<&'static str> {
    SHIPPED.iter().map(|(name, _)| *name).collect()
}

/// Every shipped story, parsed.
pub fn all() -> Result<Vec<Story>, StoryError> {
    SHIPPED
        .iter()
        .map(|(name, text)| parse(text, &format!("fixtures/stories/{name}.toml")))
        .collect()
}

/// A shipped story by name, or a story file by path (anything ending in `.toml` or
/// containing a `/`).
pub fn load(name_or_path: &str) -> Result<Story, LoadError> {
    if let Some((name, text)) = SHIPPED.iter().find(|(name, _)| *name == name_or_path) {
        return Ok(parse(text, &format!("fixtures/stories/{name}.toml"))?);
    }
    let path = Path::new(name_or_path);
    if name_or_path.ends_with(".toml") || name_or_path.contains('/') {
        let text = std::fs::read_to_string(path).map_err(|source| LoadError::Read {
            path: name_or_path.to_string(),
            source,
        })?;
        return Ok(parse(&text, name_or_path)?);
    }
    Err(LoadError::Unknown {
        name: name_or_path.to_string(),
    })
}
