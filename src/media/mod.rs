//! The media library's file side: which types are allowed, what a file really is (sniffing),
//! what it contains (dimensions, animation, duration, thumbnail), streaming uploads with
//! sha256, byte ranges, and the default assets stagehand generates itself.
//!
//! Records are written by the engine (`engine/media_plan.rs`); this module only touches files.

pub mod defaults;
pub mod inspect;
pub mod range;
pub mod sniff;
pub mod upload;

use std::path::{Path, PathBuf};

/// The folder of uploaded files (and their thumbnails) inside the data dir.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("media")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
    Audio,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
        }
    }

    pub fn parse(s: &str) -> Option<MediaKind> {
        match s {
            "image" => Some(MediaKind::Image),
            "video" => Some(MediaKind::Video),
            "audio" => Some(MediaKind::Audio),
            _ => None,
        }
    }

    /// Kind of a stored MIME type (older records have no `kind`).
    pub fn of_mime(mime: &str) -> Option<MediaKind> {
        match mime.split('/').next() {
            Some("image") => Some(MediaKind::Image),
            Some("video") => Some(MediaKind::Video),
            Some("audio") => Some(MediaKind::Audio),
            _ => None,
        }
    }
}

/// One allowed file type.
#[derive(Debug, PartialEq, Eq)]
pub struct FileType {
    /// Canonical extension used for stored names.
    pub ext: &'static str,
    /// Extensions accepted for it.
    pub exts: &'static [&'static str],
    pub mime: &'static str,
    pub kind: MediaKind,
    pub label: &'static str,
}

pub const TYPES: &[FileType] = &[
    FileType {
        ext: "png",
        exts: &["png"],
        mime: "image/png",
        kind: MediaKind::Image,
        label: "PNG image",
    },
    FileType {
        ext: "jpg",
        exts: &["jpg", "jpeg"],
        mime: "image/jpeg",
        kind: MediaKind::Image,
        label: "JPEG image",
    },
    FileType {
        ext: "gif",
        exts: &["gif"],
        mime: "image/gif",
        kind: MediaKind::Image,
        label: "GIF image",
    },
    FileType {
        ext: "webp",
        exts: &["webp"],
        mime: "image/webp",
        kind: MediaKind::Image,
        label: "WebP image",
    },
    FileType {
        ext: "svg",
        exts: &["svg"],
        mime: "image/svg+xml",
        kind: MediaKind::Image,
        label: "SVG image",
    },
    FileType {
        ext: "mp4",
        exts: &["mp4", "m4v"],
        mime: "video/mp4",
        kind: MediaKind::Video,
        label: "MP4 video",
    },
    FileType {
        ext: "webm",
        exts: &["webm"],
        mime: "video/webm",
        kind: MediaKind::Video,
        label: "WebM video",
    },
    FileType {
        ext: "mov",
        exts: &["mov"],
        mime: "video/quicktime",
        kind: MediaKind::Video,
        label: "QuickTime video",
    },
    FileType {
        ext: "mp3",
        exts: &["mp3"],
        mime: "audio/mpeg",
        kind: MediaKind::Audio,
        label: "MP3 audio",
    },
    FileType {
        ext: "wav",
        exts: &["wav"],
        mime: "audio/wav",
        kind: MediaKind::Audio,
        label: "WAV audio",
    },
    FileType {
        ext: "ogg",
        exts: &["ogg", "oga"],
        mime: "audio/ogg",
        kind: MediaKind::Audio,
        label: "Ogg audio",
    },
];

/// The allowed type for a file name's extension (case-insensitive).
pub fn type_for_name(name: &str) -> Option<&'static FileType> {
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    TYPES.iter().find(|t| t.exts.contains(&ext.as_str()))
}

pub fn type_for_ext(ext: &str) -> Option<&'static FileType> {
    TYPES.iter().find(|t| t.ext == ext)
}

/// Every accepted extension, for error messages.
pub fn allowed_list() -> String {
    TYPES
        .iter()
        .flat_map(|t| t.exts.iter().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file name safe to show and store: the last path component, no control characters,
/// at most 200 characters.
pub fn clean_original_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}

/// The library's display name for an original file name: without its extension.
pub fn display_name_for(original: &str) -> String {
    let stem = Path::new(original)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(original);
    stem.chars().take(120).collect()
}

/// Stored file name: derived from the content hash, so it is unique per content and
/// reveals nothing of the uploader's file system.
pub fn stored_name(sha256: &str, ft: &FileType) -> String {
    format!("{}.{}", &sha256[..24.min(sha256.len())], ft.ext)
}

pub fn thumbnail_name(sha256: &str) -> String {
    format!("{}.thumb.png", &sha256[..24.min(sha256.len())])
}

/// A name a client asked for under `/media/`: a single plain component, or nothing.
/// Only names found in the media table are served; this just refuses obvious attacks early.
pub fn plain_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0', ':'])
        && !name.contains("..");
    ok.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_for_name("Confetti.PNG").map(|t| t.ext), Some("png"));
        assert_eq!(type_for_name("a.jpeg").map(|t| t.ext), Some("jpg"));
        assert_eq!(type_for_name("a.exe"), None);
        assert_eq!(type_for_name("noext"), None);
        assert_eq!(clean_original_name("C:\\Users\\me\\pop.wav"), "pop.wav");
        assert_eq!(clean_original_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name_for("pop sound.wav"), "pop sound");
        for bad in [
            "..",
            "../x",
            "a/b",
            "a\\b",
            ".hidden",
            "",
            "/etc/passwd",
            "x..y",
        ] {
            assert_eq!(plain_name(bad), None, "{bad}");
        }
        assert_eq!(plain_name("abc.png"), Some("abc.png"));
    }
}
