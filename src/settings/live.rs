//! Applies published settings to the running adapters: OBS reconnects in place when its
//! endpoint changed (the adapter decides), Twitch gets a new connection generation, and the
//! OBS bridge reads `on_connect` from a watch. A new or refreshed Twitch login is applied
//! the same way as a settings change.

use super::TwitchLink;
use crate::accounts::Creds;
use crate::config::{OnConnect, Settings};
use stagehand_obs::ObsHandle;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(
    mut settings: watch::Receiver<Arc<Settings>>,
    obs: ObsHandle,
    on_connect: watch::Sender<OnConnect>,
    twitch: TwitchLink,
    mut creds: watch::Receiver<Creds>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut last = settings.borrow_and_update().clone();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            changed = creds.changed() => {
                if changed.is_err() {
                    break;
                }
                let c = creds.borrow_and_update().clone();
                twitch.apply(&last, &c).await;
            }
            changed = settings.changed() => {
                if changed.is_err() {
                    break;
                }
                let new = settings.borrow_and_update().clone();
                let wanted = new.obs.adapter_settings();
                if wanted != last.obs.adapter_settings() {
                    // Host and port only: the password is never logged.
                    tracing::info!(host = %wanted.host, port = wanted.port, enabled = wanted.enabled, "OBS settings changed");
                    obs.update_settings(wanted);
                }
                on_connect.send_if_modified(|cur| {
                    let changed = *cur != new.obs.on_connect;
                    *cur = new.obs.on_connect;
                    changed
                });
                let c = creds.borrow().clone();
                twitch.apply(&new, &c).await;
                last = new;
            }
        }
    }
}
