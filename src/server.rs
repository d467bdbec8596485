//! Wires the daemon together: store → world → hub → engine → HTTP, and takes it apart
//! again in the right order on shutdown (stop accepting, close sockets, finish writes).

use crate::accounts::Accounts;
use crate::bridge::obs::ObsBridge;
use crate::bridge::twitch::ChatStats;
use crate::config::{ConfigError, Settings};
use crate::engine::{ChatTable, Engine, EngineConfig, SceneIntent, World};
use crate::http::{AppState, router};
use crate::hub::Hub;
use crate::settings::twitch_link::BridgeParts;
use crate::settings::{Layers, SettingsService, TwitchLink};
use crate::shutdown;
use crate::store::{Store, StoreError};
use stagehand_obs::ObsHandle;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Damaged(#[from] crate::store::backup::Damaged),
    #[error("cannot open the data directory {dir}: {source}")]
    Store { dir: String, source: StoreError },
    #[error("cannot listen on {addr}: {source} (is another stagehand running? change server.bind)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Runs until Ctrl-C/SIGTERM. Prints `listening on http://…` on stdout once connections
/// are accepted (tests and scripts wait for that line).
pub async fn run(settings: Settings) -> Result<(), StartError> {
    let started = Instant::now();
    let dir = settings.storage.data_dir.clone();
    // A damaged file is refused before anything could write to it.
    crate::store::backup::check(&dir)?;
    let store = Store::open(&dir).map_err(|source| StartError::Store {
        dir: dir.display().to_string(),
        source,
    })?;
    let store = Arc::new(store);
    let loaded = store.load().map_err(|source| StartError::Store {
        dir: dir.display().to_string(),
        source,
    })?;
    // Values saved from the settings page sit between the defaults and the config file.
    let layers = Layers::capture(settings.config_file.as_deref());
    let saved = store
        .read()
        .and_then(|r| r.settings())
        .map_err(|source| StartError::Store {
            dir: dir.display().to_string(),
            source,
        })?;
    let settings = match layers.settings(&saved) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "the settings saved in the admin UI do not fit this config; starting without them");
            settings
        }
    };
    let addr = settings.bind_addr()?;
    let keep = settings.storage.backups_keep;
    match store.backup(keep) {
        Ok(path) => tracing::info!(file = %path.display(), "backed up the data file"),
        Err(e) => tracing::warn!(error = %e, "could not back up the data file"),
    }
    // A data dir that never had media gets the default assets (generated, see media::defaults).
    let fresh_media = loaded
        .counters
        .get(&crate::model::Kind::Media)
        .is_none_or(|next| *next <= 1);
    let world = World::from_loaded(loaded);
    let hub = Arc::new(Hub::new(
        world.overlay_view(),
        world.active,
        settings.overlay.client_queue,
    ));
    let config = EngineConfig {
        audit_keep: settings.storage.audit_keep,
        backups_keep: keep,
        max_group: 256,
        max_pending: settings.storage.max_pending_writes,
        alert_max_wait_ms: settings.alerts.max_wait_ms(),
        event_retention_days: settings.events.retention_days,
    };
    let (scene_tx, scene_rx) = tokio::sync::watch::channel(SceneIntent::default());
    let (chat_tx, chat_rx) = tokio::sync::watch::channel(Arc::new(ChatTable::default()));
    let (engine, engine_thread) =
        Engine::start(store.clone(), world, hub.clone(), scene_tx, chat_tx, config)?;

    let media_dir = crate::media::dir(&dir);
    crate::media::upload::sweep_partials(&media_dir);
    if fresh_media && let Err(e) = crate::media::defaults::install(&engine, &media_dir).await {
        tracing::warn!(error = %e, "default media assets not installed");
    }

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    let (stop_tx, stop_rx) = shutdown::channel();

    let (obs, obs_events) = ObsHandle::spawn(settings.obs.adapter_settings());
    let (on_connect_tx, on_connect) = tokio::sync::watch::channel(settings.obs.on_connect);
    let bridge = ObsBridge {
        obs: obs.clone(),
        engine: engine.clone(),
        store: store.clone(),
        hub: hub.clone(),
        on_connect,
        overlay_urls: overlay_urls(local),
    };
    let bridge = tokio::spawn(bridge.run(obs_events, scene_rx, stop_rx.clone()));

    if settings.storage.backup_every_h > 0.0 {
        let every = Duration::from_secs_f64(settings.storage.backup_every_h * 3600.0);
        let (engine, mut stop) = (engine.clone(), stop_rx.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tokio::select! {
                    _ = stop.changed() => break,
                    _ = tick.tick() => match engine.backup().await {
                        Ok(path) => tracing::info!(file = %path.display(), "backed up the data file"),
                        Err(e) => tracing::warn!(error = %e, "could not back up the data file"),
                    },
                }
            }
        });
    }

    let chat_stats = Arc::new(ChatStats::default());
    let settings = Arc::new(settings);
    let config = Arc::new(SettingsService::new(
        store.clone(),
        engine.clone(),
        layers,
        settings.clone(),
    ));
    let accounts = Accounts::load(config.clone(), hub.clone());
    let keeper = tokio::spawn(crate::accounts::keeper::run(
        accounts.clone(),
        stop_rx.clone(),
    ));
    let creds = accounts.creds();
    let chat_feed = Arc::new(crate::bridge::chat_feed::ChatFeed::default());
    let chat_flush = tokio::spawn(chat_feed.clone().run(hub.clone(), stop_rx.clone()));
    let twitch = TwitchLink::start(
        BridgeParts {
            obs: obs.clone(),
            engine: engine.clone(),
            store: store.clone(),
            hub: hub.clone(),
            table: chat_rx.clone(),
            stats: chat_stats.clone(),
            accounts: accounts.clone(),
            chat: chat_feed,
        },
        &settings,
        &creds.borrow(),
    );
    let live = tokio::spawn(crate::settings::live::run(
        config.subscribe(),
        obs.clone(),
        on_connect_tx,
        twitch.clone(),
        creds,
        stop_rx.clone(),
    ));

    let app = AppState {
        engine,
        store,
        hub,
        obs: obs.clone(),
        twitch: twitch.clone(),
        chat_stats,
        settings,
        config,
        accounts,
        chat_table: chat_rx.clone(),
        started,
        shutdown: stop_rx.clone(),
    };
    tracing::info!(
        overlay = %format!("http://{local}/overlay/"),
        admin = %format!("http://{local}/admin/"),
        startup_ms = started.elapsed().as_millis() as u64,
        "stagehand is ready"
    );
    println!("listening on http://{local}");
    let _ = std::io::stdout().flush();

    let limits = app.settings.server.limits();
    let body_timeout = Duration::from_secs_f64(app.settings.server.body_timeout_s);
    tracing::debug!(
        max_connections = limits.max_connections,
        "connection budget"
    );
    // A body that stalls mid-way fails its request instead of holding the connection forever.
    let routes = router(app).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
        body_timeout,
    ));
    tokio::spawn(async move {
        shutdown::signal().await;
        tracing::info!("shutting down: no new connections, closing sockets, finishing writes");
        let _ = stop_tx.send(true);
    });
    // Never hang on a client that will not close: 5 s after the signal we go on regardless.
    crate::http::listener::serve(
        listener,
        routes,
        limits,
        stop_rx.clone(),
        Duration::from_secs(5),
    )
    .await;
    let _ = bridge.await;
    let _ = live.await;
    let _ = keeper.await;
    let _ = chat_flush.await;
    twitch.shutdown().await;
    obs.shutdown().await;
    // Every request accepted so far has been answered; commit whatever is still queued.
    tokio::task::spawn_blocking(move || engine_thread.shutdown())
        .await
        .map_err(std::io::Error::other)?;
    tracing::info!("bye");
    Ok(())
}

/// How OBS browser sources may address our overlay.
fn overlay_urls(local: SocketAddr) -> Vec<String> {
    let port = local.port();
    let mut urls = vec![
        format!("http://127.0.0.1:{port}/overlay"),
        format!("http://localhost:{port}/overlay"),
    ];
    if !local.ip().is_loopback() && !local.ip().is_unspecified() {
        urls.push(format!("http://{local}/overlay"));
    }
    urls
}
