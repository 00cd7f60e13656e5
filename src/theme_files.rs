//! Theme files on disk: a path, `{themes dir}/{name}.toml`, or a built-in theme by name.
//! The UI gets the parsed `Theme`; reading files stays out here.

use std::path::Path;

use watchdeck_ui::theme::{Theme, ThemeError};

/// Loads `name`: a theme file when `name` is a path (contains `/` or ends in `.toml`);
/// else `{dir}/{name}.toml` when a themes directory is given and holds it; else the
/// built-in theme of that name. Styles a file leaves out come from the dark theme.
pub fn load_theme(name: &str, dir: Option<&Path>) -> Result<Theme, ThemeError> {
    if name.contains('/') || name.ends_with(".toml") {
        return theme_file(Path::new(name));
    }
    if let Some(dir) = dir {
        let path = dir.join(format!("{name}.toml"));
        if path.is_file() {
            return theme_file(&path);
        }
    }
    Theme::builtin(name)
}

/// Reads a theme file; styles it leaves out come from the dark theme.
pub fn theme_file(path: &Path) -> Result<Theme, ThemeError> {
    let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("custom");
    Theme::from_toml(name, &text, Some(&Theme::dark()))
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Modifier, Style};

    use super::*;

    #[test]
    fn theme_load_from_dir_falls_back_to_dark() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("mine.toml"),
            "[styles]\nok = { fg = \"#00ff00\", modifiers = [\"bold\"] }\n",
        )
        .unwrap();
        let theme = load_theme("mine", Some(dir.path())).unwrap();
        assert_eq!(
            theme.ok,
            Style::default()
                .fg(Color::Rgb(0, 255, 0))
                .add_modifier(Modifier::BOLD)
        );
        assert_eq!(theme.bad, Theme::dark().bad);
        let by_path = dir.path().join("mine.toml");
        let loaded = load_theme(&by_path.display().to_string(), None).unwrap();
        assert_eq!((loaded.name.as_str(), loaded.ok), ("mine", theme.ok));
        assert!(matches!(
            load_theme("/nonexistent/x.toml", None),
            Err(ThemeError::Read { .. })
        ));
        assert_eq!(load_theme("light", Some(dir.path())).unwrap().name, "light");
    }
}
