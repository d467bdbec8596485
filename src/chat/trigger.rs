//! One spelling of a command's names: what viewers type, prefix included.
//!
//! Matching already accepts names stored with or without the prefix, but the admin UI and
//! the usage line must show one form, so names are normalised when a command is saved.

/// `boom` → `!boom`, ` !Boom ` → `!boom`; a name that already starts with the prefix keeps
/// it. Blank stays blank, so validation can name the empty field.
pub fn normalize_trigger(prefix: &str, name: &str) -> String {
    let n = name.trim().to_lowercase();
    if n.is_empty() || prefix.is_empty() {
        return n;
    }
    let has_prefix = n
        .get(..prefix.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(prefix));
    if has_prefix {
        n
    } else {
        format!("{prefix}{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_prefix_when_missing() {
        assert_eq!(normalize_trigger("!", "boom"), "!boom");
        assert_eq!(normalize_trigger("!", " Boom "), "!boom");
    }

    #[test]
    fn keeps_a_present_prefix_once() {
        assert_eq!(normalize_trigger("!", "!Boom"), "!boom");
        assert_eq!(normalize_trigger("?sh ", "?SH confetti"), "?sh confetti");
    }

    #[test]
    fn blank_stays_blank() {
        assert_eq!(normalize_trigger("!", "   "), "");
        assert_eq!(normalize_trigger("", "Boom"), "boom");
    }

    #[test]
    fn idempotent() {
        for raw in ["boom", "!boom", " BOOM", "ünïcode"] {
            let once = normalize_trigger("!", raw);
            assert_eq!(normalize_trigger("!", &once), once);
        }
    }
}
