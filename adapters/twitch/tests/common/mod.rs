//! Helpers shared by the integration tests: a fake server plus a real client pointed at it.
#![allow(dead_code)]

use std::time::Duration;

use stagehand_twitch::fake::FakeTwitchServer;
use stagehand_twitch::{Secret, TwitchEvent, TwitchHandle, TwitchSettings, TwitchStatus};
use tokio::sync::mpsc;

/// Generous: the machine is shared and slow; nothing waits this long when things work.
pub const DEADLINE: Duration = Duration::from_secs(30);
pub const CHANNEL: &str = "chan";
pub const TOKEN: &str = "tok3n-s3cret-value";

pub fn anonymous_settings(server: &FakeTwitchServer) -> TwitchSettings {
    TwitchSettings {
        irc_addr: Some(server.addr().to_string()),
        ..TwitchSettings::anonymous(CHANNEL)
    }
}

pub fn bot_settings(server: &FakeTwitchServer) -> TwitchSettings {
    TwitchSettings {
        username: Some("StagehandBot".into()),
        oauth_token: Some(Secret::new(format!("oauth:{TOKEN}"))),
        ..anonymous_settings(server)
    }
}

pub struct Setup {
    pub server: FakeTwitchServer,
    pub handle: TwitchHandle,
    pub events: mpsc::Receiver<TwitchEvent>,
}

/// Starts a fake server and a client, and waits until the client has joined.
pub async fn connected(make: fn(&FakeTwitchServer) -> TwitchSettings) -> Setup {
    let server = FakeTwitchServer::start().await;
    let (handle, events) = TwitchHandle::spawn(make(&server));
    server.wait_for_join(CHANNEL).await;
    wait_status(&handle, |s| s.connected).await;
    Setup {
        server,
        handle,
        events,
    }
}

pub async fn wait_status(
    handle: &TwitchHandle,
    pred: impl Fn(&TwitchStatus) -> bool,
) -> TwitchStatus {
    let mut rx = handle.subscribe_status();
    match tokio::time::timeout(DEADLINE, rx.wait_for(|s| pred(s))).await {
        Ok(Ok(s)) => s.clone(),
        _ => panic!(
            "status condition not reached; status: {:?}",
            handle.status()
        ),
    }
}

/// The next event that is not a status change.
pub async fn next_chat_event(events: &mut mpsc::Receiver<TwitchEvent>) -> TwitchEvent {
    loop {
        match tokio::time::timeout(DEADLINE, events.recv()).await {
            Ok(Some(TwitchEvent::Status(_))) => continue,
            Ok(Some(event)) => return event,
            Ok(None) => panic!("event channel closed"),
            Err(_) => panic!("no event within {DEADLINE:?}"),
        }
    }
}

/// The next status event.
pub async fn next_status_event(events: &mut mpsc::Receiver<TwitchEvent>) -> TwitchStatus {
    loop {
        match tokio::time::timeout(DEADLINE, events.recv()).await {
            Ok(Some(TwitchEvent::Status(s))) => return s,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("event channel closed"),
            Err(_) => panic!("no status event within {DEADLINE:?}"),
        }
    }
}
