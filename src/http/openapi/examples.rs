//! Examples of the OpenAPI document, taken from a real session: a "Main Stream" dashboard
//! bound to the OBS scene "Gameplay", a confetti alert on it, a `!confetti` chat command and
//! a cheer binding. tests/openapi.rs checks each against its schema and sends the request
//! examples to a live daemon.

use serde_json::{Value, json};

const POP_URL: &str = "/media/81e57f50cf216b4b0d801d9d.wav";

/// The three elements of a ConfettiAlertWidget; `live`: shown on the active dashboard after
/// a blast (`trigger_id` 1), else as created.
fn confetti_elements(live: bool) -> Value {
    let trigger = u64::from(live);
    json!([
        {
            "id": 1, "widget_id": 1, "name": "confetti_particle", "element_type": "image",
            "properties": {
                "media_roles": ["image"], "opacity": 1.0,
                "position": {"x": 832, "y": 412, "z_index": 11},
                "size": {"width": 256, "height": 256}, "trigger_id": trigger
            },
            "behavior": {"entrance": {"type": "pop", "duration": 0.4}, "exit": {"type": "fade", "duration": 0.5}},
            "visible": live, "enabled": live, "media": {}, "media_details": []
        },
        {
            "id": 2, "widget_id": 1, "name": "pop_sound", "element_type": "audio",
            "properties": {"media_roles": ["audio"], "volume": 0.8, "trigger_id": trigger},
            "behavior": {},
            "visible": live, "enabled": live, "media": {"audio": 3},
            "media_details": [{"id": 3, "role": "audio", "url": POP_URL, "mime_type": "audio/wav"}]
        },
        {
            "id": 3, "widget_id": 1, "name": "confetti_burst", "element_type": "animation",
            "properties": {
                "animation": "confetti", "intensity": if live { "High" } else { "Medium" },
                "particle_count": 100, "colors": ["#FF5733"], "duration_s": 3.0,
                "position": {"x": 0, "y": 0, "z_index": 20},
                "size": {"width": 1920, "height": 1080}, "trigger_id": trigger
            },
            "behavior": {"entrance": {"type": "none"}, "exit": {"type": "fade", "duration": 0.6}},
            "visible": live, "enabled": live, "media": {}, "media_details": []
        }
    ])
}

fn confetti_features() -> Value {
    json!([
        {
            "name": "trigger_blast", "display_name": "Trigger Confetti Blast",
            "description": "Fires confetti and the pop sound for blast_duration seconds.",
            "parameters": [
                {"name": "intensity", "type": "dropdown", "display_name": "Intensity",
                 "optional": false, "options": ["Low", "Medium", "High"]},
                {"name": "color", "type": "color", "display_name": "Color",
                 "optional": true, "default": "#FF5733"}
            ]
        },
        {
            "name": "stop_confetti", "display_name": "Stop Confetti",
            "description": "Clears the confetti right away.", "parameters": []
        }
    ])
}

fn confetti_widget(live: bool) -> Value {
    json!({
        "id": 1, "widget_class": "ConfettiAlertWidget", "name": "Confetti",
        "widget_parameters": {
            "blast_duration": 3.0, "default_color": "#FF5733",
            "particle_count": 100, "sound_volume": 0.8
        },
        "state": {},
        "display_name": "Confetti Alert",
        "dashboard_ids": [1],
        "enabled": live,
        "elements": confetti_elements(false).as_array().map(|els| {
            els.iter().cloned().map(|mut e| { e["enabled"] = json!(live); e }).collect::<Vec<_>>()
        }),
        "features": confetti_features()
    })
}

pub fn status() -> Value {
    json!({
        "engine": {"commands": 42, "commits": 40},
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": 3600,
        "active_dashboard_id": 1,
        "overlay_clients": 2,
        "admin_clients": 1,
        "obs": {"enabled": true, "connected": true, "state": "connected",
                "current_scene": "Gameplay", "last_error": null},
        "twitch": {"enabled": true, "connected": true, "channel": "coolstreamer",
                   "last_error": null, "dropped_events": 0},
        "chat": {"commands_run": 17, "on_cooldown": 3, "dropped_busy": 0}
    })
}

pub fn widget_types() -> Value {
    json!([{
        "widget_class": "ConfettiAlertWidget",
        "display_name": "Confetti Alert",
        "description": "A celebratory confetti explosion with a pop sound, in the color and intensity you pick.",
        "widget_parameters": [
            {"name": "blast_duration", "type": "slider", "display_name": "Blast duration (s)",
             "description": "How long the confetti stays on screen.", "optional": true,
             "default": 2.5, "min": 0.5, "max": 30.0, "step": 0.1},
            {"name": "default_color", "type": "color", "display_name": "Default color",
             "optional": true, "default": "#FF5733"}
        ],
        "elements": [
            {"name": "confetti_particle", "element_type": "image"},
            {"name": "pop_sound", "element_type": "audio"},
            {"name": "confetti_burst", "element_type": "animation"}
        ],
        "features": confetti_features()
    }])
}

pub fn dashboards() -> Value {
    json!([
        {"id": 1, "name": "Main Stream", "obs_scene": "Gameplay", "widget_ids": [1],
         "position": 0, "active": true},
        {"id": 2, "name": "Just Chatting", "obs_scene": "Chatting", "widget_ids": [],
         "position": 1, "active": false}
    ])
}

pub fn new_dashboard() -> Value {
    json!({"id": 1, "name": "Main Stream", "obs_scene": "Gameplay", "widget_ids": [],
           "position": 0, "active": false, "widgets": []})
}

pub fn dashboard_detail() -> Value {
    json!({"id": 1, "name": "Main Stream", "obs_scene": "Gameplay", "widget_ids": [1],
           "position": 0, "active": true, "widgets": [confetti_widget(true)]})
}

pub fn widget() -> Value {
    confetti_widget(false)
}

pub fn executed() -> Value {
    json!({"ok": true, "live": true, "elements": confetti_elements(true)})
}

pub fn audit() -> Value {
    json!([
        {
            "id": 8, "at_ms": 1_733_338_800_000_u64, "actor": {"kind": "chat", "login": "coolviewer"},
            "action": "execute", "target": "ConfettiAlertWidget \"Confetti\" (1).trigger_blast",
            "params": {"color": "#FF5733", "intensity": "High"}, "ok": true, "error": null,
            "subject": {"kind": "widget", "widget_id": 1, "widget_name": "Confetti",
                        "widget_class": "ConfettiAlertWidget", "feature": "trigger_blast",
                        "command_id": 1, "trigger": "!confetti", "live": true},
            "seed": 4_766_033_752_369_118_u64
        },
        {
            "id": 7, "at_ms": 1_733_338_790_000_u64, "actor": {"kind": "admin"},
            "action": "activate_dashboard", "target": "dashboard \"Main Stream\" (1)",
            "params": null, "ok": true, "error": null,
            "subject": {"kind": "dashboard", "dashboard_id": 1, "dashboard_name": "Main Stream"}
        }
    ])
}

pub fn command() -> Value {
    json!({
        "id": 1, "trigger": "!confetti", "aliases": ["!party"], "widget_id": 1,
        "feature": "trigger_blast", "args": {"color": "#FF5733"}, "permission": "everyone",
        "cooldown_global_s": 10, "cooldown_user_s": 60, "enabled": true, "reply_on_error": true,
        "usage": "!confetti <Low|Medium|High>"
    })
}

pub fn binding() -> Value {
    json!({
        "id": 1, "event": "cheer", "min_amount": 100, "widget_id": 1, "feature": "trigger_blast",
        "parameters": {"intensity": "High", "color": "#9146FF"}, "enabled": true
    })
}

pub fn settings() -> Value {
    let plain = |value: Value, source: &str, read_only: bool| json!({"value": value, "secret": false, "source": source, "read_only": read_only, "restart": false});
    json!({
        "settings": {
            "chat.prefix": plain(json!("!"), "default", false),
            "obs.enabled": plain(json!(true), "saved", false),
            "obs.host": plain(json!("127.0.0.1"), "default", false),
            "obs.password": {"secret": true, "set": true, "source": "saved", "read_only": false, "restart": false},
            "obs.port": plain(json!(4455), "file", true),
            "server.bind": {"value": "127.0.0.1:8002", "secret": false, "source": "default", "read_only": false, "restart": true},
            "twitch.channel": plain(json!("coolstreamer"), "saved", false)
        },
        "restart_needed": [],
        "config_file": "stagehand.toml"
    })
}

pub fn media() -> Value {
    json!({
        "id": 3, "filename": "81e57f50cf216b4b0d801d9d.wav", "original_name": "stagehand-pop.wav",
        "mime_type": "audio/wav", "size": 17684,
        "sha256": "81e57f50cf216b4b0d801d9daaf6deaf3a8149e7a17311ebe918d07c61c1aa8f",
        "width": null, "height": null, "duration": 0.2, "kind": "audio", "display_name": "Pop",
        "tags": ["default"], "animated": false, "thumbnail": null, "created_ms": 1_733_338_700_000_u64,
        "default_asset": "pop", "url": POP_URL, "thumbnail_url": null,
        "used_by": [{"widget_id": 1, "widget_name": "Confetti", "element": "pop_sound", "role": "audio"}]
    })
}

pub fn import_outcome() -> Value {
    let item = |name: &str| json!({"name": name, "action": "create", "conflict": false});
    json!({
        "dry_run": true,
        "imported": false,
        "report": {
            "dashboards": [{"name": "Main Stream", "action": "rename", "conflict": true,
                            "existing_id": 1, "new_name": "Main Stream (2)"}],
            "widgets": [item("Confetti")],
            "commands": [item("!confetti")],
            "event_bindings": [item("cheer")],
            "media": [{"name": "stagehand-pop.wav", "action": "reuse", "conflict": false, "existing_id": 3}],
            "conflicts": 1,
            "dashboard_ids": []
        }
    })
}

pub fn templates() -> Value {
    json!([{
        "id": "birthday-stream", "name": "Birthday stream",
        "description": "Confetti, a goal bar and the !party command",
        "dashboard_name": "Main Stream", "widgets": 1, "media": 1,
        "contents": {
            "widgets": [{"name": "Party", "widget_class": "ConfettiAlertWidget", "elements": 3}],
            "commands": ["!party"], "event_bindings": ["cheer"]
        },
        "created_ms": 1_733_338_800_000_u64, "bytes": 18994
    }])
}
