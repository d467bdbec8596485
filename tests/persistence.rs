//! Durability: SIGKILL mid-burst loses nothing acknowledged and half-writes nothing;
//! follow-ups survive a restart; SIGTERM shuts down cleanly.

mod support;

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use support::{Daemon, WsClient, call, element_named, execute, http, setup_widget};

#[tokio::test]
async fn sigkill_mid_burst_keeps_every_acknowledged_change() {
    let mut d = Daemon::start();
    let (did, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let c = http();
    let url = d.url(&format!("/api/widgets/{wid}/execute"));
    let acked = Arc::new(AtomicU64::new(0));
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (c, url, acked, sent) = (c.clone(), url.clone(), acked.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                sent.fetch_add(1, Ordering::SeqCst);
                match c
                    .post(&url)
                    .json(&json!({"feature": "increment_deaths"}))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 200 => {
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => break,
                }
            }
        }));
    }
    // Kill in the middle of the burst.
    while acked.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    d.kill();
    for t in tasks {
        let _ = t.await;
    }
    let (acked, sent) = (acked.load(Ordering::SeqCst), sent.load(Ordering::SeqCst));

    d.spawn();
    let (s, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
    assert_eq!(s, 200, "{w}");
    let value = w["elements"][0]["properties"]["value"].as_u64().unwrap();
    let state = w["state"]["count"].as_u64().unwrap();
    assert!(
        value >= acked,
        "every acknowledged increment survived: {value} < {acked}"
    );
    assert!(value <= sent, "nothing invented: {value} > {sent}");
    assert_eq!(
        value, state,
        "element and widget state were written in one transaction"
    );
    // The rest of the setup is intact and the daemon keeps working.
    let (_, dash) = call(&c, "GET", &d.url(&format!("/api/dashboards/{did}")), None).await;
    assert_eq!(dash["active"], true);
    let (s, r) = execute(&d, wid, "increment_deaths", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(r["elements"][0]["properties"]["value"], value + 1);
}

#[tokio::test]
async fn follow_ups_survive_a_restart() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"blast_duration": 4})).await;
    let wid = w["id"].as_u64().unwrap();
    execute(&d, wid, "trigger_blast", json!({"intensity": "Low"})).await;
    d.kill();
    d.spawn();
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    let snap = ws.next().await;
    assert_eq!(
        element_named(&snap, "confetti_burst").unwrap()["visible"],
        true,
        "still mid-blast after restart"
    );
    // The stored follow-up still ends the blast.
    let f = ws
        .until(|f| element_named(f, "confetti_burst").is_some())
        .await;
    assert_eq!(f["action"], "hide");
}

#[tokio::test]
async fn overdue_follow_ups_fire_at_start_up() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "ConfettiAlertWidget", json!({"blast_duration": 0.5})).await;
    let wid = w["id"].as_u64().unwrap();
    execute(&d, wid, "trigger_blast", json!({"intensity": "Low"})).await;
    d.kill();
    std::thread::sleep(std::time::Duration::from_millis(600));
    d.spawn();
    let c = http();
    // Poll until the overdue hide has been applied (it runs right after start-up).
    for _ in 0..200 {
        let (_, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
        if w["elements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["visible"] == false)
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the overdue follow-up never ran");
}

#[tokio::test]
async fn sigterm_closes_sockets_and_exits_cleanly() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let mut ws = WsClient::connect(&d.ws_url("overlay")).await;
    ws.next().await;
    execute(&d, w["id"].as_u64().unwrap(), "increment_deaths", json!({})).await;
    assert_eq!(d.stop(), Some(0));
    assert!(d.log().contains("bye"), "{}", d.log());
    d.spawn();
    let (_, w) = call(
        &http(),
        "GET",
        &d.url(&format!("/api/widgets/{}", w["id"])),
        None,
    )
    .await;
    assert_eq!(w["elements"][0]["properties"]["value"], 1);
}

#[tokio::test]
async fn a_corrupt_store_is_refused_untouched_and_restore_brings_it_back() {
    let mut d = Daemon::start();
    let c = http();
    for name in ["Starting Soon", "Gameplay", "BRB"] {
        let (s, _) = call(
            &c,
            "POST",
            &d.url("/api/dashboards"),
            Some(json!({"name": name})),
        )
        .await;
        assert_eq!(s, 201);
    }
    // A restart takes a start-up backup that holds the three dashboards.
    d.stop();
    d.spawn();
    d.stop();
    let data = d.data_dir().join("data");
    let backups: Vec<_> = std::fs::read_dir(data.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(backups.len() >= 2, "{backups:?}");

    // Flip bytes all over the file (past its header).
    let file = data.join("stagehand.redb");
    let mut bytes = std::fs::read(&file).unwrap();
    for i in (4096..bytes.len()).step_by(97) {
        bytes[i] ^= 0x5A;
    }
    std::fs::write(&file, &bytes).unwrap();

    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_stagehand"))
            .args(args)
            .current_dir(d.data_dir())
            .env("STAGEHAND__SERVER__BIND", "127.0.0.1:0")
            .env("STAGEHAND__STORAGE__DATA_DIR", &data)
            .env("STAGEHAND__OBS__ENABLED", "false")
            .output()
            .unwrap()
    };
    let out = run(&[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "start-up refuses a corrupt store");
    assert!(err.contains("stagehand restore"), "{err}");
    assert!(err.contains(&file.display().to_string()), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        bytes,
        "the file is untouched"
    );

    // The newest backup named in the hint brings the daemon up with everything in it.
    let hint = err
        .split("stagehand restore ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("a backup path in the hint")
        .to_string();
    let out = run(&["restore", &hint]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    d.spawn();
    let (_, list) = call(&http(), "GET", &d.url("/api/dashboards"), None).await;
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Starting Soon", "Gameplay", "BRB"], "{list}");
    // The damaged file was kept, not deleted.
    assert!(
        std::fs::read_dir(&data).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("replaced-")),
        "the replaced file is kept"
    );
}

/// 20 rounds of SIGKILL at (seeded) random moments under a mixed write load: feature runs,
/// dashboard creations and element edits from concurrent writers. After every restart each
/// acknowledged write is there, and nothing unacknowledged beyond what was sent.
#[tokio::test]
async fn twenty_sigkills_under_a_mixed_load_lose_nothing_acknowledged() {
    let mut d = Daemon::start();
    let (_, w) = setup_widget(&d, "DeathCounterWidget", json!({})).await;
    let wid = w["id"].as_u64().unwrap();
    let element = w["elements"][0]["name"].as_str().unwrap().to_string();
    let mut seed: u64 = 0x5eed_cafe;
    let mut next_rand = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut created: Vec<String> = Vec::new();
    let mut acked_runs = 0u64;
    let mut sent_runs = 0u64;
    for round in 0..20u64 {
        let c = http();
        let runs = Arc::new(AtomicU64::new(0));
        let runs_sent = Arc::new(AtomicU64::new(0));
        let dashboards = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let last_x = Arc::new(AtomicU64::new(0));
        let mut tasks = Vec::new();
        for writer in 0..6u64 {
            let (c, base, runs, runs_sent, dashboards, last_x, element) = (
                c.clone(),
                d.base.clone(),
                runs.clone(),
                runs_sent.clone(),
                dashboards.clone(),
                last_x.clone(),
                element.clone(),
            );
            tasks.push(tokio::spawn(async move {
                for i in 0u64.. {
                    let ok = match writer % 3 {
                        0 => {
                            runs_sent.fetch_add(1, Ordering::SeqCst);
                            let r = c
                                .post(format!("{base}/api/widgets/{wid}/execute"))
                                .json(&json!({"feature": "increment_deaths"}))
                                .send()
                                .await;
                            let ok = matches!(&r, Ok(r) if r.status() == 200);
                            if ok {
                                runs.fetch_add(1, Ordering::SeqCst);
                            }
                            ok
                        }
                        1 => {
                            let name = format!("r{round}-w{writer}-{i}");
                            let r = c
                                .post(format!("{base}/api/dashboards"))
                                .json(&json!({"name": name}))
                                .send()
                                .await;
                            let ok = matches!(&r, Ok(r) if r.status() == 201);
                            if ok {
                                dashboards.lock().unwrap().push(name);
                            }
                            ok
                        }
                        _ => {
                            // Writer 2 edits x, in increasing order; writer 5 edits y.
                            let x = round * 100_000 + i + 1;
                            let key = if writer == 2 { "x" } else { "y" };
                            let r = c
                                .patch(format!("{base}/api/widgets/{wid}/elements/{element}"))
                                .json(&json!({"properties": {key: x}}))
                                .send()
                                .await;
                            let ok = matches!(&r, Ok(r) if r.status() == 200);
                            if ok && writer == 2 {
                                last_x.store(x, Ordering::SeqCst);
                            }
                            ok
                        }
                    };
                    if !ok {
                        break;
                    }
                }
            }));
        }
        let kill_after = 20 + next_rand(180);
        while runs.load(Ordering::SeqCst) + (dashboards.lock().unwrap().len() as u64) < kill_after {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        d.kill();
        for t in tasks {
            let _ = t.await;
        }
        acked_runs += runs.load(Ordering::SeqCst);
        sent_runs += runs_sent.load(Ordering::SeqCst);
        created.extend(dashboards.lock().unwrap().iter().cloned());
        let x_acked = last_x.load(Ordering::SeqCst);

        d.spawn();
        let c = http();
        let (_, w) = call(&c, "GET", &d.url(&format!("/api/widgets/{wid}")), None).await;
        let value = w["elements"][0]["properties"]["value"].as_u64().unwrap();
        assert!(
            value >= acked_runs && value <= sent_runs,
            "round {round}: {acked_runs} ≤ {value} ≤ {sent_runs}"
        );
        let x = w["elements"][0]["properties"]["x"].as_u64().unwrap_or(0);
        assert!(
            x >= x_acked,
            "round {round}: element edit x={x} < acked {x_acked}"
        );
        let (_, list) = call(&c, "GET", &d.url("/api/dashboards"), None).await;
        let names: std::collections::HashSet<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["name"].as_str())
            .collect();
        for name in &created {
            assert!(
                names.contains(name.as_str()),
                "round {round}: dashboard {name} lost"
            );
        }
    }
}

#[tokio::test]
async fn a_backup_can_be_taken_and_listed_while_running() {
    let d = Daemon::start_with(&[("STAGEHAND__STORAGE__BACKUPS_KEEP", "2")]);
    let c = http();
    let (s, b) = call(&c, "POST", &d.url("/api/backups"), None).await;
    assert_eq!(s, 201, "{b}");
    assert!(b["bytes"].as_u64().unwrap() > 0);
    call(&c, "POST", &d.url("/api/backups"), None).await;
    let (s, list) = call(&c, "GET", &d.url("/api/backups"), None).await;
    assert_eq!(s, 200);
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "rotated to backups_keep: {list}"
    );
    assert!(list[0]["file"].as_str().unwrap().ends_with(".redb"));
}
