//! What a file really is, from its first bytes (`infer` for binary formats; SVG and HTML by
//! looking at the markup), compared with what its extension claims.

use super::{FileType, TYPES};

/// Bytes of the file's start kept for sniffing.
pub const HEAD: usize = 8192;

/// Why a file's content does not match its extension; `actual` says what it really is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("'{name}' is named like a {expected} but its content is {actual}")]
pub struct Mismatch {
    pub name: String,
    pub expected: &'static str,
    pub actual: String,
}

/// The allowed type the content is, or a description of what it is instead.
pub fn detect(head: &[u8]) -> Result<&'static FileType, String> {
    if let Some(t) = infer::get(head) {
        let mime = t.mime_type();
        let canonical = match mime {
            "audio/x-wav" => "audio/wav",
            "video/x-m4v" => "video/mp4",
            "audio/x-flac" | "audio/flac" => return Err("FLAC audio (audio/flac)".into()),
            m => m,
        };
        if let Some(ft) = TYPES.iter().find(|ft| ft.mime == canonical) {
            return Ok(ft);
        }
        if canonical != "text/xml" && canonical != "text/html" {
            return Err(describe(t.matcher_type(), mime, t.extension()));
        }
    }
    let text = text_start(head);
    if looks_like_svg(&text) {
        return super::type_for_ext("svg").ok_or_else(|| "SVG".into());
    }
    if looks_like_html(&text) {
        return Err("an HTML document (text/html)".into());
    }
    if head.starts_with(b"\x7fELF") || head.starts_with(b"MZ") {
        return Err("an executable program".into());
    }
    if !head.contains(&0) && std::str::from_utf8(head).is_ok() {
        return Err(if head.is_empty() {
            "empty".into()
        } else {
            "plain text".into()
        });
    }
    Err("not a recognised image, video or audio format".into())
}

/// Checks content against the type its name claims. MP4 and QuickTime share one container,
/// so either extension accepts either brand; the stored type follows the content.
pub fn check(
    name: &str,
    claimed: &'static FileType,
    head: &[u8],
) -> Result<&'static FileType, Mismatch> {
    let mismatch = |actual: String| Mismatch {
        name: name.to_string(),
        expected: claimed.label,
        actual,
    };
    let actual = detect(head).map_err(mismatch)?;
    let same_container = matches!((claimed.ext, actual.ext), ("mp4", "mov") | ("mov", "mp4"));
    if actual == claimed || same_container {
        Ok(if same_container { claimed } else { actual })
    } else {
        Err(mismatch(format!("a {} ({})", actual.label, actual.mime)))
    }
}

fn describe(kind: infer::MatcherType, mime: &str, ext: &str) -> String {
    use infer::MatcherType as M;
    let what = match kind {
        M::App if matches!(ext, "exe" | "dll" | "elf" | "mach" | "dex" | "dey") => {
            "an executable program"
        }
        M::App => "an application file",
        M::Archive => "an archive",
        M::Doc => "a document",
        M::Font => "a font",
        M::Book => "an e-book",
        M::Audio => "an audio format stagehand does not accept",
        M::Video => "a video format stagehand does not accept",
        M::Image => "an image format stagehand does not accept",
        _ => "a file of another type",
    };
    format!("{what} ({mime})")
}

/// The first bytes as lower-case text, without a BOM and leading white space.
fn text_start(head: &[u8]) -> String {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let s = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    s.trim_start().to_ascii_lowercase()
}

fn looks_like_svg(t: &str) -> bool {
    let prolog = t.starts_with("<?xml")
        || t.starts_with("<svg")
        || t.starts_with("<!--")
        || t.starts_with("<!doctype svg");
    prolog && t.contains("<svg") && !t.contains("<html")
}

fn looks_like_html(t: &str) -> bool {
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<iframe",
    ]
    .iter()
    .any(|p| t.starts_with(p) || t.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::type_for_name;

    fn claim(n: &str) -> &'static FileType {
        type_for_name(n).expect("allowed")
    }

    #[test]
    fn real_types_pass_and_spoofs_say_what_they_are() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(
            check("a.png", claim("a.png"), png).map(|t| t.ext),
            Ok("png")
        );
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".to_vec();
        elf.resize(128, 0);
        let elf = elf.as_slice();
        let e = check("a.png", claim("a.png"), elf).expect_err("spoof");
        assert!(e.actual.contains("executable"), "{e}");
        let html = b"<!DOCTYPE html><html><body><script>alert(1)</script>";
        let e = check("a.png", claim("a.png"), html).expect_err("spoof");
        assert!(e.actual.contains("HTML"), "{e}");
        let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(
            check("a.svg", claim("a.svg"), svg).map(|t| t.ext),
            Ok("svg")
        );
        let e = check("a.wav", claim("a.wav"), png).expect_err("png named wav");
        assert!(e.actual.contains("PNG"), "{e}");
    }
}
