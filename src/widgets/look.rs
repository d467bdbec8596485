//! Looks the library widgets share: font choices, translucent background bands (a colour
//! parameter plus an opacity), so each widget file holds
//! only its own logic and a streamer sees the same choices everywhere.

use crate::model::Map;
use crate::props;
use serde_json::Value;

crate::choice! {
    /// Font families as a streamer names them; each maps to a stack that renders on every PC.
    pub enum Font { Sans, Rounded, Condensed, Serif, Mono }
}

/// The CSS font stack of a [`Font`] (the overlay appends its own stack as the last fallback).
pub fn font_family(f: Font) -> &'static str {
    match f {
        Font::Sans => "Inter, \"Segoe UI\", Roboto, \"Noto Sans\", Arial, sans-serif",
        Font::Rounded => {
            "\"Nunito\", \"Varela Round\", \"Arial Rounded MT Bold\", \"Segoe UI\", sans-serif"
        }
        Font::Condensed => {
            "\"Oswald\", \"Roboto Condensed\", \"Arial Narrow\", \"Segoe UI\", sans-serif"
        }
        Font::Serif => "Georgia, \"Times New Roman\", \"Noto Serif\", serif",
        Font::Mono => "\"JetBrains Mono\", Consolas, \"DejaVu Sans Mono\", monospace",
    }
}

/// `#RRGGBB` (validated by the color parameter) with `alpha` as a CSS `rgba()`.
pub fn rgba(hex: &str, alpha: f64) -> String {
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| {
        h.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(0)
    };
    let a = (alpha.clamp(0.0, 1.0) * 100.0).round() / 100.0;
    format!("rgba({}, {}, {}, {a})", byte(0), byte(2), byte(4))
}

/// An element's `css`: `extra` declarations plus a rounded, translucent panel behind its
/// content (opacity 0 draws no panel). One level is merged per change, so this is the whole map.
pub fn panel_css(color: &str, opacity: f64, radius_px: u32, mut extra: Map) -> Value {
    if opacity > 0.0 {
        extra.extend(props! {
            "background": rgba(color, opacity),
            "border-radius": format!("{radius_px}px"),
            "box-shadow": "0 8px 28px rgba(0, 0, 0, 0.35)",
        });
    }
    Value::Object(extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgba_bands_and_lists() {
        assert_eq!(rgba("#FF8000", 0.5), "rgba(255, 128, 0, 0.5)");
        assert_eq!(
            panel_css("#000000", 0.0, 8, Map::new()),
            serde_json::json!({})
        );
        assert_eq!(
            panel_css("#101018", 0.8, 12, Map::new())["border-radius"],
            "12px"
        );
    }
}
