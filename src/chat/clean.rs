//! Invisible characters chat clients slip into lines.
//!
//! Chatterino and 7TV append ` \u{E0000}` (or the older braille blank `\u{2800}`) so that
//! Twitch accepts a repeated message; some clients prepend zero-width spaces. A viewer
//! can't see them, so they must never decide whether a command matches.

/// Separates words: whitespace, control characters and invisible padding.
pub fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{E0000}' | '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{180E}' | '\u{2800}'
        )
}

/// Junk only at the edges of a line: joiners are part of emoji sequences in the middle.
fn is_edge_junk(c: char) -> bool {
    is_separator(c) || matches!(c, '\u{200C}' | '\u{200D}' | '\u{034F}' | '\u{00AD}')
}

/// The line without separators and invisible junk at either end.
pub fn trim(line: &str) -> &str {
    line.trim_matches(is_edge_junk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_chatterino_suffix_and_leading_zero_width() {
        assert_eq!(trim("\u{200B}!confetti high \u{E0000}"), "!confetti high");
        assert_eq!(trim("\u{FEFF} !x \u{2800}"), "!x");
        assert_eq!(trim("\u{E0000}"), "");
        // A joiner inside an emoji sequence stays.
        assert_eq!(trim("a\u{200D}b"), "a\u{200D}b");
    }
}
