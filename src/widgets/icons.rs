//! Small icons drawn here as SVG and sent as `data:` URIs in an image element's `src`, so the
//! overlay shows them without a file, a download or a media-library entry. Simplified brand
//! marks: a tile in the brand colour with a white glyph, legible at 40–80 px.

/// A platform's tile colour (or gradient stops) and glyph (SVG elements on a 48×48 canvas).
fn parts(platform: &str) -> (&'static [&'static str], &'static str) {
    match platform.to_ascii_lowercase().as_str() {
        "twitch" => (
            &["#9146FF"],
            "<path d='M14 9 11 16v21h8v5h5l5-5h6l7-7V9z' fill='#fff'/><path d='M16 13h22v15l-5 5h-7l-4 4v-4h-6z' fill='#9146FF'/><path d='M23 18h3v8h-3zM31 18h3v8h-3z' fill='#fff'/>",
        ),
        "youtube" => (
            &["#FF0000"],
            "<rect x='8' y='13' width='32' height='22' rx='7' fill='#fff'/><path d='M21 18.5v11l9-5.5z' fill='#FF0000'/>",
        ),
        "x" | "twitter" => (
            &["#0F1419"],
            "<path d='M12 12h7l17 24h-7z' fill='#fff'/><path d='M34 12h3.5L26 25l-1.8-2.5zM14 36h-3.5L22 23l1.8 2.5z' fill='#fff'/>",
        ),
        "instagram" => (
            &["#F58529", "#DD2A7B", "#8134AF"],
            "<rect x='11' y='11' width='26' height='26' rx='8' fill='none' stroke='#fff' stroke-width='3.5'/><circle cx='24' cy='24' r='6.5' fill='none' stroke='#fff' stroke-width='3.5'/><circle cx='31.5' cy='16.5' r='2' fill='#fff'/>",
        ),
        "tiktok" => (
            &["#010101"],
            "<path d='M27 10h5c.5 4 3 6.5 7 7v5c-2.7 0-5-.8-7-2.2V30a9 9 0 1 1-9-9v5.2a3.8 3.8 0 1 0 4 3.8z' fill='#25F4EE' transform='translate(-1.5 -1)'/><path d='M27 10h5c.5 4 3 6.5 7 7v5c-2.7 0-5-.8-7-2.2V30a9 9 0 1 1-9-9v5.2a3.8 3.8 0 1 0 4 3.8z' fill='#FE2C55' transform='translate(1.5 1)'/><path d='M27 10h5c.5 4 3 6.5 7 7v5c-2.7 0-5-.8-7-2.2V30a9 9 0 1 1-9-9v5.2a3.8 3.8 0 1 0 4 3.8z' fill='#fff'/>",
        ),
        "discord" => (
            &["#5865F2"],
            "<path d='M15 14c3-1.5 5.5-2 7-2l.8 1.6h2.4L26 12c1.5 0 4 .5 7 2 3 4.5 4.5 9.5 4 15-2.5 2-5 3.2-7.5 3.8L28 30c1.5-.5 2.8-1.1 4-2-4.5 2.5-11.5 2.5-16 0 1.2.9 2.5 1.5 4 2l-1.5 2.8C16 32.2 13.5 31 11 29c-.5-5.5 1-10.5 4-15z' fill='#fff'/><ellipse cx='19.5' cy='24' rx='2.6' ry='3' fill='#5865F2'/><ellipse cx='28.5' cy='24' rx='2.6' ry='3' fill='#5865F2'/>",
        ),
        "kick" => (
            &["#0B0E0F"],
            "<path d='M13 11h7v8h3v-4h3v-4h7v7h-3v4h-3v4h3v4h3v7h-7v-4h-3v-4h-3v8h-7z' fill='#53FC18'/>",
        ),
        "facebook" => (
            &["#1877F2"],
            "<path d='M26.5 38V26h4l.6-4.7h-4.6v-3c0-1.4.4-2.3 2.4-2.3h2.4v-4.2a33 33 0 0 0-3.6-.2c-3.6 0-6 2.2-6 6.2v3.5h-4V26h4v12z' fill='#fff'/>",
        ),
        "bluesky" => (
            &["#1185FE"],
            "<path d='M24 22c-2-4-7.5-10-11-10-2.5 0-3 2-3 4 0 1.5.8 8 2 9 2 2 5.5 2 8 1.5-4 .8-7.5 2.5-4 6.5 4 4 6.5-1 8-4.5 1.5 3.5 4 8.5 8 4.5 3.5-4 0-5.7-4-6.5 2.5.5 6 .5 8-1.5 1.2-1 2-7.5 2-9 0-2-.5-4-3-4-3.5 0-9 6-11 10z' fill='#fff'/>",
        ),
        "gamepad" => (
            &["#7C4DFF", "#4F46E5"],
            "<path d='M16 16h16a8 8 0 0 1 7.8 9.6l-1.5 7a3.5 3.5 0 0 1-6 1.6L29 31H19l-3.3 3.2a3.5 3.5 0 0 1-6-1.6l-1.5-7A8 8 0 0 1 16 16z' fill='#fff'/><path d='M15 21v3h-3v2h3v3h2v-3h3v-2h-3v-3z' fill='#7C4DFF'/><circle cx='31' cy='22.5' r='1.8' fill='#7C4DFF'/><circle cx='34' cy='26.5' r='1.8' fill='#7C4DFF'/>",
        ),
        // Platform events (the event list, the leaderboard).
        "follow" => (
            &["#FF4F8B", "#E11D74"],
            "<path d='M24 37s-12-7.2-12-16a6.5 6.5 0 0 1 12-3.5A6.5 6.5 0 0 1 36 21c0 8.8-12 16-12 16z' fill='#fff'/>",
        ),
        "sub" | "resub" => (
            &["#A970FF", "#7C3AED"],
            "<path d='m24 10 4.2 8.6 9.5 1.4-6.9 6.7 1.6 9.4L24 31.6l-8.4 4.5 1.6-9.4-6.9-6.7 9.5-1.4z' fill='#fff'/>",
        ),
        "gift_sub" | "gift" => (
            &["#34D399", "#059669"],
            "<rect x='11' y='20' width='26' height='17' rx='2' fill='#fff'/><rect x='9' y='15' width='30' height='7' rx='2' fill='#fff'/><path d='M22.5 15h3v22h-3z' fill='#059669'/><path d='M24 15c-2-5-8-6-8-2 0 2 3 2 8 2zm0 0c2-5 8-6 8-2 0 2-3 2-8 2z' fill='none' stroke='#fff' stroke-width='2.5'/>",
        ),
        "raid" => (
            &["#FB923C", "#EA580C"],
            "<path d='M30 11c4 0 7 3 7 7-3 1-6 4-8 7l-6 6-6-6 6-6c3-2 6-5 7-8zM17 27l4 4-6 6h-4v-4z' fill='#fff'/><circle cx='30' cy='18' r='2.5' fill='#EA580C'/>",
        ),
        "cheer" | "bits" => (
            &["#F472B6", "#9333EA"],
            "<path d='M24 9 36 24 24 39 12 24z' fill='#fff'/><path d='M24 9v30L12 24zM24 17l6 7-6 7z' fill='#fff' opacity='.55'/>",
        ),
        "donation" => (
            &["#FACC15", "#EAB308"],
            "<circle cx='24' cy='24' r='13' fill='#fff'/><path d='M27.5 19.5c-.6-1.4-2-2.2-3.6-2.2-2.1 0-3.6 1.1-3.6 2.8 0 3.8 7.6 2 7.6 6 0 1.8-1.6 3-3.9 3-1.8 0-3.3-.9-3.9-2.4M24 14.8v2.5M24 29.1v2.6' fill='none' stroke='#CA8A04' stroke-width='2.4' stroke-linecap='round'/>",
        ),
        "redemption" => (
            &["#22D3EE", "#0891B2"],
            "<circle cx='24' cy='24' r='12' fill='none' stroke='#fff' stroke-width='3.5'/><path d='M24 16a8 8 0 0 1 8 8h-3.5a4.5 4.5 0 0 0-4.5-4.5z' fill='#fff'/>",
        ),
        _ => (
            &["#334155", "#1E293B"],
            "<circle cx='24' cy='24' r='12' fill='none' stroke='#fff' stroke-width='3'/><path d='M12 24h24M24 12c-4 4-5 8-5 12s1 8 5 12c4-4 5-8 5-12s-1-8-5-12z' fill='none' stroke='#fff' stroke-width='2.5'/>",
        ),
    }
}

/// The icon of `platform` or of an event kind (`follow`, `sub`, `gift_sub`, `raid`, `cheer`,
/// `donation`, `redemption`), case-insensitive; unknown names get a globe; as a `data:` URI.
pub fn platform(platform: &str) -> String {
    let (stops, glyph) = parts(platform);
    let fill = if stops.len() == 1 {
        stops[0].to_string()
    } else {
        "url(#g)".to_string()
    };
    let gradient: String = if stops.len() > 1 {
        let n = stops.len() - 1;
        let s: String = stops
            .iter()
            .enumerate()
            .map(|(i, c)| format!("<stop offset='{}' stop-color='{c}'/>", i as f64 / n as f64))
            .collect();
        format!(
            "<defs><linearGradient id='g' x1='0' y1='1' x2='1' y2='0'>{s}</linearGradient></defs>"
        )
    } else {
        String::new()
    };
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 48 48'>{gradient}<rect width='48' height='48' rx='12' fill='{fill}'/>{glyph}</svg>"
    );
    data_uri(&svg)
}

/// An SVG as a `data:image/svg+xml,` URI (only the characters a URI cannot hold are escaped).
fn data_uri(svg: &str) -> String {
    let mut out = String::from("data:image/svg+xml,");
    for c in svg.chars() {
        match c {
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn icons_are_svg_data_uris_and_unknown_platforms_get_a_globe() {
        let twitch = super::platform("Twitch");
        assert!(twitch.starts_with("data:image/svg+xml,%3Csvg"));
        assert!(!twitch.contains(['#', '<', '>', '"']));
        assert_eq!(super::platform("twitter"), super::platform("X"));
        assert_eq!(super::platform("Patreon"), super::platform("website"));
        assert!(super::platform("instagram").contains("linearGradient"));
    }
}
