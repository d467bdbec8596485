//! "Test connection" against the scripted obs-websocket peer: every failure a streamer can
//! meet, told apart (the wrong-password and success paths also run against a real OBS in the
//! daemon's tests/settings.rs).

use std::time::Duration;

use serde_json::json;
use stagehand_obs::testing::ScriptedObs;
use stagehand_obs::{ProbeFailure, probe};

const T: Duration = Duration::from_secs(10);

async fn peer(password: Option<&str>) -> ScriptedObs {
    match ScriptedObs::start(password).await {
        Ok(p) => p,
        Err(e) => panic!("scripted peer: {e}"),
    }
}

#[tokio::test]
async fn a_good_password_connects_and_counts_scenes() {
    let obs = peer(Some("pw")).await;
    obs.add_scene("Gaming");
    let info = probe("127.0.0.1", obs.port(), Some("pw"), T)
        .await
        .expect("connects");
    assert_eq!(info.obs_version, "30.2.3");
    assert_eq!(info.websocket_version, "5.5.2");
    assert_eq!(info.scenes, 2);
}

#[tokio::test]
async fn password_problems_are_told_apart() {
    let obs = peer(Some("pw")).await;
    let wrong = probe("127.0.0.1", obs.port(), Some("nope"), T).await;
    assert_eq!(wrong, Err(ProbeFailure::WrongPassword));
    let missing = probe("127.0.0.1", obs.port(), None, T).await;
    assert_eq!(missing, Err(ProbeFailure::PasswordRequired));
    // An empty password is no password.
    let empty = probe("127.0.0.1", obs.port(), Some(""), T).await;
    assert_eq!(empty, Err(ProbeFailure::PasswordRequired));
}

#[tokio::test]
async fn an_old_obs_is_too_old() {
    let obs = peer(None).await;
    obs.set_handler(|ty, _| {
        (ty == "GetVersion").then(|| {
            Ok(json!({"obsVersion": "29.1.3", "obsWebSocketVersion": "5.5.2", "rpcVersion": 1}))
        })
    });
    let err = probe("127.0.0.1", obs.port(), None, T).await.unwrap_err();
    assert_eq!(err.reason(), "too_old");
    assert!(err.to_string().contains("29.1.3"), "{err}");
}

#[tokio::test]
async fn a_kicked_session_says_kicked() {
    let obs = peer(None).await;
    // OBS stops answering (the user is in the WebSocket dialog) and then kicks the session.
    obs.set_unresponsive(true);
    let port = obs.port();
    let test = tokio::spawn(async move { probe("127.0.0.1", port, None, T).await });
    while obs.session_count() == 0 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    obs.kick_all();
    let err = test.await.expect("joins").unwrap_err();
    assert_eq!(err, ProbeFailure::Kicked);
}

#[tokio::test]
async fn something_else_on_the_port_is_not_obs() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = s
                .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    let err = probe("127.0.0.1", port, None, T).await.unwrap_err();
    assert_eq!(err.reason(), "not_obs", "{err:?}");
}
