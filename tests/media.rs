//! Media library against the real daemon: uploads of every allowed type (files made here),
//! listing, ranges, ETag/304, rename, delete (in use → 409, force → roles cleared and
//! broadcast), the size limit, spoofed content and path traversal.

mod support;

use serde_json::{Value, json};
use support::{Daemon, WsClient, call, element_named, http, setup_widget, upload_reply};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        image::Rgba([(x * 7) as u8, (y * 5) as u8, 200, 255])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, _| image::Rgb([x as u8 * 5, 90, 30]));
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::Jpeg,
    )
    .expect("jpeg");
    out
}

fn animated_gif() -> Vec<u8> {
    use image::codecs::gif::GifEncoder;
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        for i in 0..3u8 {
            let frame = image::RgbaImage::from_pixel(20, 10, image::Rgba([i * 80, 0, 0, 255]));
            enc.encode_frame(image::Frame::new(frame)).expect("frame");
        }
    }
    out
}

fn webp() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(16, 16, image::Rgba([0, 200, 0, 255]));
    let mut out = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut out),
        image::ImageFormat::WebP,
    )
    .expect("webp");
    out
}

fn wav(seconds: f64) -> Vec<u8> {
    let rate = 8000u32;
    let n = (rate as f64 * seconds) as u32;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + n * 2).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(n * 2).to_le_bytes());
    for i in 0..n {
        let s = ((i as f64 * 0.2).sin() * 8000.0) as i16;
        out.extend_from_slice(&s.to_le_bytes());
    }
    out
}

/// An ISO-BMFF start: `ftyp` with the given brand and a `free` box.
fn bmff(brand: &[u8; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&20u32.to_be_bytes());
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(brand);
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(brand);
    out.extend_from_slice(&16u32.to_be_bytes());
    out.extend_from_slice(b"free");
    out.extend_from_slice(&[0u8; 8]);
    out
}

fn webm() -> Vec<u8> {
    let mut v = vec![
        0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01,
    ];
    v.extend_from_slice(&[
        0x42, 0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x84,
    ]);
    v.extend_from_slice(b"webm");
    v.extend_from_slice(&[0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]);
    v.resize(64, 0);
    v
}

fn mp3() -> Vec<u8> {
    let mut v = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    // One MPEG-1 Layer III frame header (128 kbit/s, 44.1 kHz) and silence.
    for _ in 0..4 {
        v.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        v.extend_from_slice(&[0u8; 413]);
    }
    v
}

fn ogg() -> Vec<u8> {
    let mut v = b"OggS\x00\x02".to_vec();
    v.resize(64, 0);
    v
}

const SVG: &str = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120" height="60"><script>alert(1)</script><rect width="120" height="60" fill="red"/></svg>"#;

fn media_files(d: &Daemon) -> Vec<String> {
    std::fs::read_dir(d.data_dir().join("data/media"))
        .map(|r| {
            r.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_type_uploads_lists_serves_renames_and_deletes() {
    let d = Daemon::start();
    let c = http();
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("still.png", png(300, 150), "image/png"),
        ("photo.JPEG", jpeg(), "image/jpeg"),
        ("party.gif", animated_gif(), "image/gif"),
        ("leaf.webp", webp(), "image/webp"),
        ("logo.svg", SVG.as_bytes().to_vec(), "image/svg+xml"),
        ("clip.mp4", bmff(b"isom"), "video/mp4"),
        ("clip.webm", webm(), "video/webm"),
        ("clip.mov", bmff(b"qt  "), "video/quicktime"),
        ("beep.mp3", mp3(), "audio/mpeg"),
        ("tone.wav", wav(0.5), "audio/wav"),
        ("tone.ogg", ogg(), "audio/ogg"),
    ];
    let mut ids = std::collections::HashMap::new();
    for (name, bytes, mime) in &files {
        let (s, m) = upload_reply(&d, name, bytes.clone()).await;
        assert_eq!(s, 201, "{name}: {m}");
        assert_eq!(m["mime_type"], *mime, "{name}: {m}");
        assert_eq!(m["original_name"], *name);
        assert_eq!(m["size"], bytes.len() as u64);
        assert_ne!(m["filename"], *name, "stored under a generated name");
        ids.insert(*name, m);
    }
    let png_rec = &ids["still.png"];
    assert_eq!(
        (png_rec["width"].as_u64(), png_rec["height"].as_u64()),
        (Some(300), Some(150))
    );
    assert_eq!(png_rec["animated"], false);
    assert_eq!(ids["party.gif"]["animated"], true);
    assert_eq!(ids["logo.svg"]["width"], 120);
    let dur = ids["tone.wav"]["duration"].as_f64().expect("wav duration");
    assert!((dur - 0.5).abs() < 0.01, "{dur}");
    // Thumbnail: a PNG of at most 256 px.
    let thumb = png_rec["thumbnail_url"].as_str().expect("thumbnail");
    let bytes = c
        .get(d.url(thumb))
        .send()
        .await
        .expect("thumb")
        .bytes()
        .await
        .expect("body");
    let t = image::load_from_memory(&bytes).expect("thumbnail decodes");
    assert!(t.width() <= 256 && t.height() <= 256);

    // Identical re-upload: the existing record, 200, no copy.
    let before = media_files(&d).len();
    let (s, again) = upload_reply(&d, "same-again.png", png(300, 150)).await;
    assert_eq!((s, &again["id"]), (200, &png_rec["id"]), "{again}");
    assert_eq!(media_files(&d).len(), before);

    // List: newest first, kind filter, search; defaults are in the library too.
    let (s, all) = call(&c, "GET", &d.url("/api/media"), None).await;
    assert_eq!(s, 200);
    let all = all.as_array().expect("list").clone();
    assert_eq!(all.len(), files.len() + 4, "11 uploads + 4 default assets");
    assert_eq!(all[0]["original_name"], "tone.ogg", "newest first");
    let (_, audio) = call(&c, "GET", &d.url("/api/media?kind=audio"), None).await;
    assert!(
        audio
            .as_array()
            .expect("list")
            .iter()
            .all(|m| m["kind"] == "audio")
    );
    let (_, found) = call(&c, "GET", &d.url("/api/media?q=PARTY"), None).await;
    assert_eq!(found.as_array().map(|a| a.len()), Some(1), "{found}");
    let (s, bad) = call(&c, "GET", &d.url("/api/media?kind=pdf"), None).await;
    assert_eq!((s, bad["error"]["field"].as_str()), (422, Some("kind")));

    // Serve: type, ETag, caching, 304, SVG without script.
    let url = d.url(png_rec["url"].as_str().expect("url"));
    let r = c.get(&url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let etag = r.headers()["etag"].to_str().expect("etag").to_string();
    assert_eq!(
        etag,
        format!("\"{}\"", png_rec["sha256"].as_str().expect("sha"))
    );
    assert_eq!(r.headers()["content-type"], "image/png");
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .contains("max-age")
    );
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        png(300, 150).as_slice()
    );
    let r = c
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("304");
    assert_eq!(r.status(), 304);
    let svg = c
        .get(d.url(ids["logo.svg"]["url"].as_str().expect("url")))
        .send()
        .await
        .expect("svg");
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(
        svg.headers()["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("script-src 'none'")
    );

    // Ranges: one range → 206 with exactly those bytes; several → multipart/byteranges.
    let wav_bytes = wav(0.5);
    let wurl = d.url(ids["tone.wav"]["url"].as_str().expect("url"));
    let r = c
        .get(&wurl)
        .header("range", "bytes=100-199")
        .send()
        .await
        .expect("range");
    assert_eq!(r.status(), 206);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes 100-199/{}", wav_bytes.len())
    );
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        &wav_bytes[100..200]
    );
    let r = c
        .get(&wurl)
        .header("range", "bytes=-10")
        .send()
        .await
        .expect("suffix");
    assert_eq!(
        r.bytes().await.expect("body").as_ref(),
        &wav_bytes[wav_bytes.len() - 10..]
    );
    let r = c
        .get(&wurl)
        .header("range", "bytes=0-3, 40-43")
        .send()
        .await
        .expect("multi");
    assert_eq!(r.status(), 206);
    let ct = r.headers()["content-type"]
        .to_str()
        .expect("ct")
        .to_string();
    assert!(ct.starts_with("multipart/byteranges; boundary="), "{ct}");
    let body = r.bytes().await.expect("body");
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains(&format!("Content-Range: bytes 0-3/{}", wav_bytes.len())),
        "{text}"
    );
    assert!(text.contains(&format!("Content-Range: bytes 40-43/{}", wav_bytes.len())));
    assert!(body.windows(4).any(|w| w == &wav_bytes[40..44]));
    let r = c
        .get(&wurl)
        .header("range", "bytes=999999-")
        .send()
        .await
        .expect("416");
    assert_eq!(r.status(), 416);

    // Rename and tag.
    let id = png_rec["id"].as_u64().expect("id");
    let (s, m) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/media/{id}")),
        Some(json!({"display_name": "Big still", "tags": ["Hype", "hype", "alerts"]})),
    )
    .await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(
        (m["display_name"].as_str(), m["tags"].clone()),
        (Some("Big still"), json!(["hype", "alerts"]))
    );
    let (s, e) = call(
        &c,
        "PATCH",
        &d.url(&format!("/api/media/{id}")),
        Some(json!({"display_name": " "})),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("display_name"))
    );

    // Delete: record and file gone.
    let file = png_rec["filename"].as_str().expect("filename").to_string();
    let r = c
        .delete(d.url(&format!("/api/media/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 204);
    assert!(!media_files(&d).contains(&file));
    assert_eq!(c.get(&url).send().await.expect("gone").status(), 404);
}

#[tokio::test]
async fn over_the_limit_is_413_and_leaves_no_file() {
    let d = Daemon::start_with(&[("STAGEHAND__STORAGE__MAX_UPLOAD_MB", "1")]);
    let before = media_files(&d);
    let mut big = png(8, 8);
    big.resize(3 * 1024 * 1024, 7);
    let (s, e) = upload_reply(&d, "huge.png", big).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (413, Some("too_large")),
        "{e}"
    );
    assert_eq!(media_files(&d), before, "no partial file left");
    let (_, list) = call(&http(), "GET", &d.url("/api/media"), None).await;
    assert!(
        list.as_array()
            .expect("list")
            .iter()
            .all(|m| m["original_name"] != "huge.png")
    );
}

#[tokio::test]
async fn spoofed_and_unknown_types_are_415_naming_the_real_type() {
    let d = Daemon::start();
    let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0".to_vec();
    elf.resize(256, 0);
    let (s, e) = upload_reply(&d, "cat.png", elf).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (415, Some("unsupported_media")),
        "{e}"
    );
    assert!(
        e["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("executable"),
        "{e}"
    );
    let (s, e) = upload_reply(
        &d,
        "cat.png",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
    )
    .await;
    assert_eq!(s, 415);
    assert!(
        e["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("HTML"),
        "{e}"
    );
    let (s, e) = upload_reply(&d, "sound.wav", png(4, 4)).await;
    assert_eq!(s, 415);
    assert!(
        e["error"]["message"].as_str().expect("msg").contains("PNG"),
        "{e}"
    );
    let (s, e) = upload_reply(&d, "notes.txt", b"hello".to_vec()).await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (415, Some("file")),
        "{e}"
    );
    assert!(media_files(&d).iter().all(|f| !f.ends_with(".part")));
}

/// Sends a raw request line (no client-side path normalisation); returns (status, body).
async fn raw_get(d: &Daemon, path: &str) -> (u16, Vec<u8>) {
    let mut s = tokio::net::TcpStream::connect(&d.addr)
        .await
        .expect("connect");
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        d.addr
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    let head = String::from_utf8_lossy(&out[..out.len().min(20)]).to_string();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

#[tokio::test]
async fn traversal_never_reaches_a_file_outside_the_media_folder() {
    let d = Daemon::start();
    let secret = b"TOP-SECRET-OUTSIDE-MEDIA";
    std::fs::write(d.data_dir().join("data/secret.txt"), secret).expect("secret");
    let (s, m) = upload_reply(&d, "a.png", png(10, 10)).await;
    assert_eq!(s, 201, "{m}");
    let variants = [
        "/media/../secret.txt",
        "/media/..%2fsecret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/%2e%2e%2fsecret.txt",
        "/media/%2E%2E%2Fsecret.txt",
        "/media/..%5csecret.txt",
        "/media/..\\secret.txt",
        "/media/%2fetc%2fpasswd",
        "/media//etc/passwd",
        "/media/....//secret.txt",
        "/media/%252e%252e%252fsecret.txt",
        "/media/stagehand.redb",
        "/media/..",
        "/media/.",
        "/media/secret.txt",
        "/media/..%00.png",
    ];
    for v in variants {
        let (status, body) = raw_get(&d, v).await;
        assert!(matches!(status, 400 | 404), "{v}: {status}");
        assert!(
            !body.windows(secret.len()).any(|w| w == secret),
            "{v} leaked the secret"
        );
        assert!(!String::from_utf8_lossy(&body).contains("root:"), "{v}");
    }
    // A symlink put in place of a stored file is not followed.
    let name = m["filename"].as_str().expect("filename");
    let path = d.data_dir().join("data/media").join(name);
    std::fs::remove_file(&path).expect("rm");
    std::os::unix::fs::symlink(d.data_dir().join("data/secret.txt"), &path).expect("symlink");
    let (status, body) = raw_get(&d, &format!("/media/{name}")).await;
    assert_eq!(status, 404);
    assert!(!body.windows(secret.len()).any(|w| w == secret));
}

#[tokio::test]
async fn assign_validates_roles_and_delete_in_use_is_409_then_force_clears() {
    let d = Daemon::start();
    let c = http();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({})).await;
    let wid = w["id"].as_u64().expect("id");
    // A fresh ConfettiAlertWidget plays the default pop out of the box.
    let pop = w["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .find(|e| e["name"] == "pop_sound")
        .expect("pop_sound")
        .clone();
    assert!(pop["media"]["audio"].is_u64(), "{pop}");
    assert_eq!(pop["media_details"][0]["mime_type"], "audio/wav");

    let (_, img) = upload_reply(&d, "sprite.png", png(64, 64)).await;
    let (_, snd) = upload_reply(&d, "boom.wav", wav(0.3)).await;
    let (img, snd) = (
        img["id"].as_u64().expect("id"),
        snd["id"].as_u64().expect("id"),
    );
    let el = |name: &str| d.url(&format!("/api/widgets/{wid}/elements/{name}"));
    let (s, e) = call(
        &c,
        "PATCH",
        &el("confetti_particle"),
        Some(json!({"media": {"image": snd}})),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("media.image")),
        "{e}"
    );
    let msg = e["error"]["message"].as_str().expect("msg");
    assert!(
        msg.contains("audio") && msg.contains("image"),
        "names both kinds: {msg}"
    );
    let (s, e) = call(
        &c,
        "PATCH",
        &el("confetti_particle"),
        Some(json!({"media": {"sound": img}})),
    )
    .await;
    assert_eq!(
        (s, e["error"]["field"].as_str()),
        (422, Some("media.sound")),
        "{e}"
    );
    let (s, e) = call(
        &c,
        "PATCH",
        &el("confetti_particle"),
        Some(json!({"media": {"image": img}})),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["media_details"][0]["mime_type"], "image/png", "{e}");
    let (s, e) = call(
        &c,
        "PATCH",
        &el("pop_sound"),
        Some(json!({"media": {"audio": snd}})),
    )
    .await;
    assert_eq!(s, 200, "{e}");

    // Property edits are typed.
    for (body, field) in [
        (json!({"properties": {"opacity": 5}}), "properties.opacity"),
        (
            json!({"properties": {"size": {"width": -50, "height": 10}}}),
            "properties.size.width",
        ),
        (
            json!({"properties": {"position": {"x": 99999, "y": 0}}}),
            "properties.position.x",
        ),
        (
            json!({"properties": {"css": {"colour": "red"}}}),
            "properties.css.colour",
        ),
    ] {
        let (s, e) = call(&c, "PATCH", &el("confetti_particle"), Some(body.clone())).await;
        assert_eq!(
            (s, e["error"]["field"].as_str()),
            (422, Some(field)),
            "{body}: {e}"
        );
    }

    // A role holding several media picks another on each show (sequence here).
    let (_, img2) = upload_reply(&d, "sprite2.png", png(32, 32)).await;
    let img2 = img2["id"].as_u64().expect("id");
    let (s, e) = call(
        &c,
        "PATCH",
        &el("confetti_particle"),
        Some(json!({"media": {"image": {"ids": [img, img2], "pick": "sequence"}}})),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["media_pools"]["image"]["ids"], json!([img, img2]));
    let (s, r) = support::execute(&d, wid, "trigger_blast", json!({"intensity": "Low"})).await;
    assert_eq!(s, 200, "{r}");
    let (_, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    let p = w["elements"]
        .as_array()
        .expect("els")
        .iter()
        .find(|e| e["name"] == "confetti_particle")
        .expect("particle")
        .clone();
    assert_eq!(
        p["media"]["image"], img2,
        "the next variation after a show: {p}"
    );

    // In use: 409 naming the element; force clears the role and the overlay hears it.
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    ws.next().await;
    let r = c
        .delete(d.url(&format!("/api/media/{snd}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 409);
    let e: Value = r.json().await.expect("json");
    let msg = e["error"]["message"].as_str().expect("msg");
    assert!(
        msg.contains("pop_sound") && msg.contains("ConfettiAlertWidget"),
        "{msg}"
    );
    let r = c
        .delete(d.url(&format!("/api/media/{snd}?force=true")))
        .send()
        .await
        .expect("force");
    assert_eq!(r.status(), 204);
    let frame = ws
        .until(|f| f["type"] == "element_update" && element_named(f, "pop_sound").is_some())
        .await;
    let el = element_named(&frame, "pop_sound").expect("pop_sound");
    assert!(el["media"].get("audio").is_none(), "{el}");
    assert_eq!(el["media_details"], json!([]));
}
