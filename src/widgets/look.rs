//! Looks the library widgets share: font choices, translucent background bands (a colour
//! parameter plus an opacity) and lists typed into one field, so each widget file holds
//! only its own logic and a streamer sees the same choices everywhere.

use super::params::num_value;
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

/// The style of a one-line text element; `at` places it in a box on the stage.
#[derive(Clone, Debug)]
pub struct Line {
    pub font: Font,
    pub size: f64,
    pub color: String,
    pub weight: u32,
    pub align: &'static str,
}

impl Line {
    pub fn new(font: Font, size: f64, color: &str) -> Line {
        let color = color.to_string();
        Line {
            font,
            size,
            color,
            weight: 700,
            align: "left",
        }
    }
    pub fn size(self, size: f64) -> Line {
        Line { size, ..self }
    }
    pub fn color(self, color: &str) -> Line {
        Line {
            color: color.to_string(),
            ..self
        }
    }
    pub fn weight(self, weight: u32) -> Line {
        Line { weight, ..self }
    }
    pub fn align(self, align: &'static str) -> Line {
        Line { align, ..self }
    }
    /// Properties of a text element showing `text` in the box `[x, y, width, height]` at `z`,
    /// vertically centred and cut with an ellipsis when too long.
    pub fn at(&self, text: &str, [x, y, w, h]: [f64; 4], z: u32) -> Map {
        props! {
            "text": text,
            "color": self.color,
            "font_size": num_value(self.size),
            "font_family": font_family(self.font),
            "font_weight": self.weight,
            "align": self.align,
            "shadow": "soft",
            "position": {"x": num_value(x), "y": num_value(y), "z_index": z},
            "size": {"width": num_value(w), "height": num_value(h)},
            "css": {
                "line-height": format!("{}px", num_value(h)),
                "white-space": "nowrap",
                "overflow": "hidden",
                "text-overflow": "ellipsis",
            },
        }
    }
}

/// A soft shadow that follows the picture's own outline (transparent PNGs included).
pub fn drop_shadow(on: bool, color: &str) -> Value {
    if on {
        props! { "filter": format!("drop-shadow(0 10px 24px {})", rgba(color, 0.6)) }.into()
    } else {
        Value::Null
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

/// Items of a list typed into one text field: separated by newlines, or by commas when
/// there is a single line; trimmed, empty ones dropped, at most `max`.
pub fn list(input: &str, max: usize) -> Vec<String> {
    let sep = if input.contains('\n') { '\n' } else { ',' };
    input
        .split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(max)
        .map(str::to_string)
        .collect()
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
