//! Splits the arguments of a chat line into tokens.
//!
//! Rules, chosen for chat rather than for shells:
//! - words are separated by whitespace (and invisible padding, see `clean`);
//! - a quote (`"…"`, `'…'`, or the curly quotes phone keyboards type) groups words, but only
//!   when it opens a token, and it closes only before a separator or the end of the line, so
//!   apostrophes (`don't`, `'tis`… mostly) stay literal;
//! - an unterminated quote takes the rest of the line;
//! - `name=value` and `name="quoted value"` are named tokens when `name` looks like a
//!   parameter name (`[A-Za-z_][A-Za-z0-9_-]*`); `1+1=2` or `"a=b"` stay positional;
//! - at most [`MAX_TOKENS`] tokens, the last of which holds the rest of the line verbatim, and
//!   values are cut at [`MAX_TOKEN_CHARS`] characters (flagged `truncated`), so the work and
//!   memory per line are bounded whatever a viewer pastes.

use super::clean::is_separator;

/// Most tokens read from one line; the last one takes whatever is left.
pub const MAX_TOKENS: usize = 32;
/// Longest token value kept, in characters.
pub const MAX_TOKEN_CHARS: usize = 200;

/// One argument as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Token {
    /// `Some("color")` for `color=red`, as typed (matched case-insensitively later).
    pub name: Option<String>,
    /// The value with its quotes removed.
    pub value: String,
    /// The value was quoted.
    pub quoted: bool,
    /// The value was longer than [`MAX_TOKEN_CHARS`] and was cut.
    pub truncated: bool,
}

/// Tokens of an argument string; never panics, whatever the input.
pub fn tokenize(line: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = line.trim_start_matches(is_separator);
    while !rest.is_empty() {
        let (token, after) = next_token(rest);
        let after = after.trim_start_matches(is_separator);
        if out.len() + 1 == MAX_TOKENS && !after.is_empty() {
            // Out of tokens: keep the remainder verbatim rather than dropping it silently.
            let (value, truncated) = cut(rest.trim_end_matches(is_separator));
            out.push(Token {
                name: None,
                value,
                quoted: false,
                truncated,
            });
            break;
        }
        out.push(token);
        rest = after;
    }
    out
}

/// Reads one token from `s` (which starts with a non-separator); returns it and the rest.
fn next_token(s: &str) -> (Token, &str) {
    let (name, value_part) = match split_name(s) {
        Some((name, v)) => (Some(name.to_string()), v),
        None => (None, s),
    };
    let (raw, quoted, rest) = read_value(value_part);
    let (value, truncated) = cut(raw);
    (
        Token {
            name,
            value,
            quoted,
            truncated,
        },
        rest,
    )
}

/// `name=…` → (`name`, `…`) when `name` looks like a parameter name.
fn split_name(s: &str) -> Option<(&str, &str)> {
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    for (i, c) in chars {
        if c == '=' {
            return Some((&s[..i], &s[i + 1..]));
        }
        if !(c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq)]
enum Quote {
    Double,
    Single,
}

fn quote_kind(c: char) -> Option<Quote> {
    match c {
        '"' | '“' | '”' | '„' => Some(Quote::Double),
        '\'' | '‘' | '’' => Some(Quote::Single),
        _ => None,
    }
}

/// Reads a (possibly quoted) value: (value, quoted, rest of the line).
fn read_value(s: &str) -> (&str, bool, &str) {
    let Some(open) = s.chars().next() else {
        return ("", false, "");
    };
    let Some(kind) = quote_kind(open) else {
        let end = s.find(is_separator).unwrap_or(s.len());
        return (&s[..end], false, &s[end..]);
    };
    let body = &s[open.len_utf8()..];
    let mut iter = body.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let closes =
            quote_kind(c) == Some(kind) && iter.peek().is_none_or(|&(_, next)| is_separator(next));
        if closes {
            return (&body[..i], true, &body[i + c.len_utf8()..]);
        }
    }
    // Unterminated: the rest of the line.
    (body.trim_end_matches(is_separator), true, "")
}

/// At most [`MAX_TOKEN_CHARS`] characters, and whether anything was cut.
fn cut(s: &str) -> (String, bool) {
    match s.char_indices().nth(MAX_TOKEN_CHARS) {
        Some((i, _)) => (s[..i].to_string(), true),
        None => (s.to_string(), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(line: &str) -> Vec<String> {
        tokenize(line).into_iter().map(|t| t.value).collect()
    }

    #[test]
    fn words_and_quotes() {
        assert_eq!(values("  high   red "), ["high", "red"]);
        assert_eq!(
            values(r#""dark blue" 'big one' x"#),
            ["dark blue", "big one", "x"]
        );
        assert_eq!(values("“smart quotes” ok"), ["smart quotes", "ok"]);
        assert_eq!(
            values(r#"say "unterminated to the end  "#),
            ["say", "unterminated to the end"]
        );
        assert!(tokenize(r#""a b""#)[0].quoted);
        assert_eq!(values(""), Vec::<String>::new());
        assert_eq!(values(r#""""#), [""]);
    }

    #[test]
    fn apostrophes_stay_literal() {
        assert_eq!(values("don't stop"), ["don't", "stop"]);
        assert_eq!(values("'it's fine' ok"), ["it's fine", "ok"]);
        assert_eq!(values(r#""a"b c""#), [r#"a"b c"#]);
    }

    #[test]
    fn named_tokens() {
        let t = tokenize(r#"intensity=low color="dark blue" 1+1=2 "a=b" x= =y"#);
        let names: Vec<Option<&str>> = t.iter().map(|t| t.name.as_deref()).collect();
        assert_eq!(
            names,
            [
                Some("intensity"),
                Some("color"),
                None,
                None,
                Some("x"),
                None
            ]
        );
        assert_eq!(t[1].value, "dark blue");
        assert!(t[1].quoted);
        assert_eq!(t[2].value, "1+1=2");
        assert_eq!(t[3].value, "a=b");
        assert_eq!(t[4].value, "");
        assert_eq!(t[5].value, "=y");
    }

    #[test]
    fn invisible_padding_separates() {
        assert_eq!(values("high\u{200B}red \u{E0000}"), ["high", "red"]);
        assert_eq!(values("a\tb\nc\u{1}d"), ["a", "b", "c", "d"]);
    }

    #[test]
    fn bounded() {
        let many = "w ".repeat(100);
        let t = tokenize(&many);
        assert_eq!(t.len(), MAX_TOKENS);
        assert_eq!(t[MAX_TOKENS - 1].value, "w ".repeat(100 - 31).trim_end());

        let exactly = "w ".repeat(MAX_TOKENS);
        let t = tokenize(&exactly);
        assert_eq!(t.len(), MAX_TOKENS);
        assert_eq!(t[MAX_TOKENS - 1].value, "w");

        let long = "é".repeat(10_000);
        let t = tokenize(&long);
        assert_eq!(t.len(), 1);
        assert!(t[0].truncated);
        assert_eq!(t[0].value.chars().count(), MAX_TOKEN_CHARS);
    }
}
