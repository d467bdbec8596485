//! `Range: bytes=…` parsing (RFC 9110 §14): OBS and browsers seek video with it.

/// At most this many ranges per request; more are answered with the whole file.
pub const MAX_RANGES: usize = 16;

#[derive(Debug, PartialEq, Eq)]
pub enum Ranges {
    /// No (usable) Range header: send the whole file.
    Full,
    /// Inclusive byte ranges, each within the file.
    Parts(Vec<(u64, u64)>),
    /// No range overlaps the file: 416.
    Unsatisfiable,
}

/// Parses a Range header for a file of `size` bytes. Malformed headers are ignored (the
/// whole file is sent), as the RFC asks.
pub fn parse(header: Option<&str>, size: u64) -> Ranges {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ranges::Full;
    };
    let mut out = Vec::new();
    for part in spec.split(',') {
        let part = part.trim();
        let Some((a, b)) = part.split_once('-') else {
            return Ranges::Full;
        };
        let (a, b) = (a.trim(), b.trim());
        let range = if a.is_empty() {
            // Suffix: the last n bytes.
            let Ok(n) = b.parse::<u64>() else {
                return Ranges::Full;
            };
            if n == 0 || size == 0 {
                continue;
            }
            (size.saturating_sub(n), size - 1)
        } else {
            let Ok(start) = a.parse::<u64>() else {
                return Ranges::Full;
            };
            let end = if b.is_empty() {
                size.saturating_sub(1)
            } else {
                match b.parse::<u64>() {
                    Ok(e) if e >= start => e.min(size.saturating_sub(1)),
                    _ => return Ranges::Full,
                }
            };
            if start >= size {
                continue;
            }
            (start, end)
        };
        out.push(range);
        if out.len() > MAX_RANGES {
            return Ranges::Full;
        }
    }
    if out.is_empty() {
        Ranges::Unsatisfiable
    } else {
        Ranges::Parts(out)
    }
}

/// Whether an `If-None-Match` header matches the ETag (a list, weak or strong, or `*`).
pub fn none_match(header: Option<&str>, etag: &str) -> bool {
    let Some(h) = header else { return false };
    h.split(',').any(|t| {
        let t = t.trim();
        t == "*" || t.trim_start_matches("W/") == etag
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse(None, 100), Ranges::Full);
        assert_eq!(parse(Some("bytes=0-9"), 100), Ranges::Parts(vec![(0, 9)]));
        assert_eq!(parse(Some("bytes=90-"), 100), Ranges::Parts(vec![(90, 99)]));
        assert_eq!(parse(Some("bytes=-10"), 100), Ranges::Parts(vec![(90, 99)]));
        assert_eq!(
            parse(Some("bytes=-1000"), 100),
            Ranges::Parts(vec![(0, 99)])
        );
        assert_eq!(
            parse(Some("bytes=95-200"), 100),
            Ranges::Parts(vec![(95, 99)])
        );
        assert_eq!(
            parse(Some("bytes=0-1, 10-11"), 100),
            Ranges::Parts(vec![(0, 1), (10, 11)])
        );
        assert_eq!(parse(Some("bytes=100-"), 100), Ranges::Unsatisfiable);
        assert_eq!(parse(Some("bytes=5-1"), 100), Ranges::Full);
        assert_eq!(parse(Some("items=0-1"), 100), Ranges::Full);
        assert_eq!(parse(Some("bytes=x-1"), 100), Ranges::Full);
        let many = format!("bytes={}", vec!["0-0"; 20].join(","));
        assert_eq!(parse(Some(&many), 100), Ranges::Full);
    }

    #[test]
    fn etags() {
        assert!(none_match(Some("\"abc\""), "\"abc\""));
        assert!(none_match(Some("W/\"abc\", \"x\""), "\"abc\""));
        assert!(none_match(Some("*"), "\"abc\""));
        assert!(!none_match(Some("\"abd\""), "\"abc\""));
        assert!(!none_match(None, "\"abc\""));
    }
}
