//! A real OBS for the browser tests (overlay/e2e): `test_obs PORT [PASSWORD] [--scene NAME]...
//! [--source SCENE/NAME]...` starts one (see [`stagehand_obs::testing::ObsProcess`], root and
//! tests/obs/rootfs.sh needed), adds the scenes and sources asked for (a source is a colour
//! source, like a webcam placeholder), prints `obs ready on 127.0.0.1:PORT` once obs-websocket
//! answers, and stops it when stdin closes.

use obws::requests::inputs::Create;
use obws::requests::scenes::SceneId;
use stagehand_obs::testing::ObsProcess;
use std::process::ExitCode;
use tokio::io::AsyncReadExt;

/// What the command line asks for.
#[derive(Default)]
struct Setup {
    port: u16,
    password: Option<String>,
    scenes: Vec<String>,
    /// (scene, source)
    sources: Vec<(String, String)>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Option<Setup> {
    let mut s = Setup {
        port: args.next()?.parse().ok()?,
        ..Setup::default()
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scene" => s.scenes.push(args.next()?),
            "--source" => {
                let (scene, name) = args
                    .next()?
                    .split_once('/')
                    .map(|(a, b)| (a.to_string(), b.to_string()))?;
                s.sources.push((scene, name));
            }
            _ if s.password.is_none() && !a.starts_with("--") => s.password = Some(a),
            _ => return None,
        }
    }
    Some(s)
}

/// The scenes and sources, through a second obs-websocket client.
async fn populate(s: &Setup) -> Result<(), obws::error::Error> {
    if s.scenes.is_empty() && s.sources.is_empty() {
        return Ok(());
    }
    let obs = obws::Client::connect("127.0.0.1", s.port, s.password.as_deref()).await?;
    for scene in &s.scenes {
        obs.scenes().create(scene).await?;
    }
    for (scene, name) in &s.sources {
        obs.inputs()
            .create(Create {
                scene: SceneId::Name(scene),
                input: name,
                kind: "color_source_v3",
                settings: Some(
                    serde_json::json!({"color": 4281545523_u32, "width": 640, "height": 360}),
                ),
                enabled: Some(true),
            })
            .await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let Some(setup) = parse(std::env::args().skip(1)) else {
        eprintln!("usage: test_obs PORT [PASSWORD] [--scene NAME]... [--source SCENE/NAME]...");
        return ExitCode::from(2);
    };
    let obs = match ObsProcess::start(setup.port, setup.password.as_deref()).await {
        Ok(obs) => obs,
        Err(e) => {
            eprintln!("test_obs: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = populate(&setup).await {
        eprintln!("test_obs: could not add the scenes and sources: {e}");
        return ExitCode::FAILURE;
    }
    println!("obs ready on 127.0.0.1:{}", obs.port());
    // Until the test closes our stdin (or exits): then OBS goes with us.
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    drop(obs);
    ExitCode::SUCCESS
}
