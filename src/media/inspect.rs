//! What is inside a stored file: image size and animation (with `image`), a library
//! thumbnail, and audio/video duration from the container header (`symphonia`, `mp4`).
//! Blocking: callers run these on `spawn_blocking`, never on the engine thread.

use super::{FileType, MediaKind};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// Longest side of a library thumbnail.
pub const THUMB_PX: u32 = 256;
/// Images larger than this are not decoded (thumbnails are skipped; the file is still kept).
const MAX_PIXELS_SIDE: u32 = 16_384;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Inspection {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub animated: bool,
    /// Seconds.
    pub duration: Option<f64>,
}

/// Reads what can be read cheaply; anything unreadable is simply absent.
pub fn inspect(path: &Path, ft: &FileType) -> Inspection {
    match (ft.kind, ft.ext) {
        (MediaKind::Image, "svg") => svg_size(path),
        (MediaKind::Image, _) => raster(path, ft.ext).unwrap_or_default(),
        (MediaKind::Audio, _) => Inspection {
            duration: audio_duration(path, ft.ext),
            ..Inspection::default()
        },
        (MediaKind::Video, "mp4" | "mov") => Inspection {
            duration: mp4_duration(path),
            animated: true,
            ..Inspection::default()
        },
        (MediaKind::Video, _) => Inspection {
            animated: true,
            ..Inspection::default()
        },
    }
}

fn limits() -> image::Limits {
    let mut l = image::Limits::default();
    l.max_image_width = Some(MAX_PIXELS_SIDE);
    l.max_image_height = Some(MAX_PIXELS_SIDE);
    l.max_alloc = Some(MAX_DECODE_BYTES);
    l
}

fn raster(path: &Path, ext: &str) -> Option<Inspection> {
    let reader = image::ImageReader::open(path)
        .ok()?
        .with_guessed_format()
        .ok()?;
    let (w, h) = reader.into_dimensions().ok()?;
    let animated = match ext {
        "gif" => gif_frames(path).is_some_and(|n| n > 1),
        "webp" => File::open(path)
            .ok()
            .and_then(|f| image::codecs::webp::WebPDecoder::new(BufReader::new(f)).ok())
            .is_some_and(|d| d.has_animation()),
        "png" => File::open(path)
            .ok()
            .and_then(|f| image::codecs::png::PngDecoder::new(BufReader::new(f)).ok())
            .and_then(|d| d.is_apng().ok())
            .unwrap_or(false),
        _ => false,
    };
    Some(Inspection {
        width: Some(w),
        height: Some(h),
        animated,
        duration: None,
    })
}

/// Frames of a GIF, counting at most two (all we need to know).
fn gif_frames(path: &Path) -> Option<usize> {
    use image::AnimationDecoder;
    let f = File::open(path).ok()?;
    let d = image::codecs::gif::GifDecoder::new(BufReader::new(f)).ok()?;
    Some(d.into_frames().take(2).filter(|f| f.is_ok()).count())
}

/// Writes a PNG thumbnail (longest side <= 256 px) of a raster image's first frame.
/// Returns false when the image cannot be decoded within the limits.
pub fn thumbnail(src: &Path, dest: &Path) -> bool {
    let Ok(reader) = image::ImageReader::open(src).and_then(|r| r.with_guessed_format()) else {
        return false;
    };
    let mut reader = reader;
    reader.limits(limits());
    let Ok(img) = reader.decode() else {
        return false;
    };
    let thumb = if img.width() > THUMB_PX || img.height() > THUMB_PX {
        img.thumbnail(THUMB_PX, THUMB_PX)
    } else {
        img
    };
    thumb
        .save_with_format(dest, image::ImageFormat::Png)
        .is_ok()
}

/// Width/height of an SVG from its root element's attributes (or its viewBox).
fn svg_size(path: &Path) -> Inspection {
    let Ok(text) = std::fs::read(path) else {
        return Inspection::default();
    };
    let text = String::from_utf8_lossy(&text[..text.len().min(16_384)]).into_owned();
    let Some(start) = text.find("<svg") else {
        return Inspection::default();
    };
    let tag = &text[start
        ..text[start..]
            .find('>')
            .map(|e| start + e)
            .unwrap_or(text.len())];
    let num = |v: &str| -> Option<u32> {
        let digits: String = v
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        digits
            .parse::<f64>()
            .ok()
            .filter(|n| *n > 0.0)
            .map(|n| n.round() as u32)
    };
    let mut width = attr(tag, "width").and_then(|v| num(&v));
    let mut height = attr(tag, "height").and_then(|v| num(&v));
    if let (None, None, Some(vb)) = (width, height, attr(tag, "viewBox")) {
        let parts: Vec<&str> = vb.split([' ', ',']).filter(|s| !s.is_empty()).collect();
        if parts.len() == 4 {
            width = num(parts[2]);
            height = num(parts[3]);
        }
    }
    Inspection {
        width,
        height,
        ..Inspection::default()
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=");
    let at = tag.find(&needle)? + needle.len();
    let rest = &tag[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    body.find(quote).map(|end| body[..end].to_string())
}

/// Duration from the container's header (frame count / sample rate), no decoding.
fn audio_duration(path: &Path, ext: &str) -> Option<f64> {
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;
    let f = File::open(path).ok()?;
    let mss = MediaSourceStream::new(Box::new(f), Default::default());
    let mut hint = Hint::new();
    hint.with_extension(ext);
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            mss,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .ok()?;
    let track = probed.format.default_track()?;
    let p = &track.codec_params;
    let frames = p.n_frames?;
    if let Some(tb) = p.time_base {
        let t = tb.calc_time(frames);
        return Some(t.seconds as f64 + t.frac);
    }
    p.sample_rate.map(|r| frames as f64 / r as f64)
}

/// Duration from an MP4/QuickTime `moov` header (the `mdat` payload is skipped, not read).
fn mp4_duration(path: &Path) -> Option<f64> {
    let f = File::open(path).ok()?;
    let size = f.metadata().ok()?.len();
    let reader = mp4::Mp4Reader::read_header(BufReader::new(f), size).ok()?;
    let d = reader.duration().as_secs_f64();
    (d > 0.0).then_some(d)
}
