//! Colors: anything CSS accepts (`#RGB`, `#RRGGBB`, names, `rgb()`, `hsl()`), parsed by the
//! `csscolorparser` crate instead of a hand-kept table, and normalized to `#RRGGBB` so the
//! overlay, the admin UI and chat (`!confetti high red`) agree on one spelling.

/// Parses a color; `None` if CSS would not accept it. Alpha is dropped: overlay colors
/// are opaque `#RRGGBB`.
pub fn parse(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let c = csscolorparser::parse(s).ok()?;
    let [r, g, b, _] = c.to_rgba8();
    Some(format!("#{r:02X}{g:02X}{b:02X}"))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn hex_and_names() {
        assert_eq!(parse("#ff5733").as_deref(), Some("#FF5733"));
        assert_eq!(parse(" #aBc ").as_deref(), Some("#AABBCC"));
        assert_eq!(parse("Red").as_deref(), Some("#FF0000"));
        assert_eq!(parse("rebeccapurple").as_deref(), Some("#663399"));
        assert_eq!(parse("rgb(0, 128, 255)").as_deref(), Some("#0080FF"));
        assert_eq!(parse("purple-ish"), None);
        assert_eq!(parse("#12345"), None);
        assert_eq!(parse("#GGGGGG"), None);
        assert_eq!(parse(""), None);
    }
}
