//! Themes: named styles loaded from `themes/*.toml` (built in, or from a themes directory),
//! and the monochrome theme used when colour is off (`NO_COLOR`).

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The built-in themes, compiled in from `themes/`.
pub const BUILTIN: &[(&str, &str)] = &[
    ("dark", include_str!("../../../themes/dark.toml")),
    ("light", include_str!("../../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../../themes/high-contrast.toml"),
    ),
];

pub const DEFAULT_THEME: &str = "dark";

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "unknown theme {name:?} (built in: dark, light, high-contrast; or put {name}.toml in the themes directory)"
    )]
    Unknown { name: String },
    #[error("cannot read theme {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("theme {name}: {message}")]
    Invalid { name: String, message: String },
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    modifiers: Vec<String>,
}

fn modifier(name: &str) -> Option<Modifier> {
    Some(
        match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" | "underline" => Modifier::UNDERLINED,
            "reversed" | "reverse" => Modifier::REVERSED,
            "crossed_out" | "strikethrough" => Modifier::CROSSED_OUT,
            _ => return None,
        },
    )
}

impl StyleSpec {
    fn to_style(&self, slot: &str) -> Result<Style, String> {
        let color = |value: &Option<String>, what: &str| -> Result<Option<Color>, String> {
            value
                .as_deref()
                .map(|v| {
                    v.parse::<Color>()
                        .map_err(|_| format!("{slot}.{what}: unknown colour {v:?}"))
                })
                .transpose()
        };
        let mut style = Style::default();
        if let Some(fg) = color(&self.fg, "fg")? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg, "bg")? {
            style = style.bg(bg);
        }
        for name in &self.modifiers {
            let m = modifier(name)
                .ok_or_else(|| format!("{slot}.modifiers: unknown modifier {name:?}"))?;
            style = style.add_modifier(m);
        }
        Ok(style)
    }
}

macro_rules! theme_slots {
    ($($slot:ident: $doc:literal),* $(,)?) => {
        /// Every style the console uses; views take styles only from here.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Theme {
            pub name: String,
            $(#[doc = $doc] pub $slot: Style,)*
        }

        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Styles {
            $($slot: Option<StyleSpec>,)*
        }

        impl Theme {
            /// Builds a theme from a file's styles; missing slots come from `fallback`.
            fn from_styles(name: String, styles: &Styles, fallback: Option<&Theme>) -> Result<Theme, String> {
                Ok(Theme {
                    name,
                    $($slot: match (&styles.$slot, fallback) {
                        (Some(spec), _) => spec.to_style(stringify!($slot))?,
                        (None, Some(theme)) => theme.$slot,
                        (None, None) => return Err(format!("missing style {:?}", stringify!($slot))),
                    },)*
                })
            }

            /// No colours at all: emphasis by bold, underline and reverse only.
            pub fn monochrome() -> Theme {
                let plain = Style::default();
                let bold = plain.add_modifier(Modifier::BOLD);
                let mut theme = Theme { name: "no-color".to_string(), $($slot: plain,)* };
                theme.title = bold;
                theme.border_focus = bold;
                theme.header = bold.add_modifier(Modifier::UNDERLINED);
                theme.selected = plain.add_modifier(Modifier::REVERSED);
                theme.bad = bold;
                theme.critical = bold;
                theme.warn = plain.add_modifier(Modifier::UNDERLINED);
                theme.muted = plain.add_modifier(Modifier::DIM);
                theme.done = plain.add_modifier(Modifier::DIM);
                theme
            }
        }
    };
}

theme_slots! {
    base: "Ordinary text.",
    muted: "Secondary text: zero counts, completed pods, connecting sources.",
    title: "The title bar and block titles.",
    border: "Block borders.",
    border_focus: "The border of the focused list.",
    header: "Table headers.",
    selected: "The selected row of the focused list.",
    label: "Cluster labels (env, region).",
    ok: "Healthy: running pods, sources with current data.",
    warn: "Degraded: pending or not-ready pods, stale sources.",
    bad: "Failing: crash-looping pods, failed sources.",
    done: "Completed pods.",
    critical: "Critical alerts.",
    warning: "Warning alerts.",
    info: "Info and other alerts.",
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Option<String>,
    #[serde(default)]
    styles: Styles,
}

impl Theme {
    /// Parses a theme file; styles it leaves out come from `fallback` (or it must define all).
    pub fn from_toml(
        name: &str,
        text: &str,
        fallback: Option<&Theme>,
    ) -> Result<Theme, ThemeError> {
        let invalid = |message: String| ThemeError::Invalid {
            name: name.to_string(),
            message,
        };
        let file: ThemeFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let display = file.name.unwrap_or_else(|| name.to_string());
        Theme::from_styles(display, &file.styles, fallback).map_err(invalid)
    }

    /// A built-in theme by name.
    pub fn builtin(name: &str) -> Result<Theme, ThemeError> {
        let text = BUILTIN
            .iter()
            .find(|(builtin, _)| *builtin == name)
            .map(|(_, text)| *text)
            .ok_or_else(|| ThemeError::Unknown {
                name: name.to_string(),
            })?;
        Theme::from_toml(name, text, None)
    }

    /// The default (dark) theme.
    pub fn dark() -> Theme {
        // The built-in dark theme is checked by the tests; fall back to monochrome rather
        // than fail if it were ever broken.
        Theme::builtin(DEFAULT_THEME).unwrap_or_else(|_| Theme::monochrome())
    }
}

/// True when the `NO_COLOR` convention asks for no colour: the variable is set and not empty.
pub fn no_color_requested(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_builtins_parse_completely() {
        for (name, _) in BUILTIN {
            let theme = Theme::builtin(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(theme.name, *name);
        }
        assert_eq!(Theme::dark().bad.fg, Some(Color::LightRed));
    }

    #[test]
    fn theme_errors_are_reported() {
        assert!(matches!(
            Theme::builtin("nope"),
            Err(ThemeError::Unknown { .. })
        ));
        let bad_colour = Theme::from_toml(
            "x",
            "[styles]\nok = { fg = \"blurple\" }",
            Some(&Theme::dark()),
        );
        assert!(
            bad_colour
                .unwrap_err()
                .to_string()
                .contains("ok.fg: unknown colour")
        );
        let unknown_slot = Theme::from_toml(
            "x",
            "[styles]\nokay = { fg = \"red\" }",
            Some(&Theme::dark()),
        );
        assert!(unknown_slot.is_err());
        let incomplete = Theme::from_toml("x", "[styles]\nok = { fg = \"red\" }", None);
        assert!(
            incomplete
                .unwrap_err()
                .to_string()
                .contains("missing style")
        );
    }

    #[test]
    fn theme_monochrome_has_no_colours() {
        let theme = Theme::monochrome();
        for style in [
            theme.base,
            theme.bad,
            theme.ok,
            theme.selected,
            theme.critical,
            theme.header,
        ] {
            assert_eq!((style.fg, style.bg), (None, None));
        }
        assert!(no_color_requested(Some(std::ffi::OsStr::new("1"))));
        assert!(!no_color_requested(Some(std::ffi::OsStr::new(""))));
        assert!(!no_color_requested(None));
    }
}
