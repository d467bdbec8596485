//! A real OBS for the browser tests (overlay/e2e): `test_obs PORT [PASSWORD]` starts one
//! (see [`stagehand_obs::testing::ObsProcess`], root and tests/obs/rootfs.sh needed), prints
//! `obs ready on 127.0.0.1:PORT` once obs-websocket answers, and stops it when stdin closes.

use stagehand_obs::testing::ObsProcess;
use std::process::ExitCode;
use tokio::io::AsyncReadExt;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(port) = args.next().and_then(|p| p.parse::<u16>().ok()) else {
        eprintln!("usage: test_obs PORT [PASSWORD]");
        return ExitCode::from(2);
    };
    let password = args.next();
    let obs = match ObsProcess::start(port, password.as_deref()).await {
        Ok(obs) => obs,
        Err(e) => {
            eprintln!("test_obs: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("obs ready on 127.0.0.1:{}", obs.port());
    // Until the test closes our stdin (or exits): then OBS goes with us.
    let mut sink = Vec::new();
    let _ = tokio::io::stdin().read_to_end(&mut sink).await;
    drop(obs);
    ExitCode::SUCCESS
}
