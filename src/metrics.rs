//! Prometheus metrics at `/metrics`: one process-wide set, because the figures come from
//! every layer (engine thread, hub sessions, the accept loop, bridges) and a scrape must see
//! them together. Counters are bumped where things happen; gauges of state that already
//! lives elsewhere (clients, OBS/Twitch connection) are read at scrape time.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::LazyLock;
use std::time::Duration;

type Labels = Vec<(&'static str, String)>;

pub struct Metrics {
    registry: Registry,
    /// Feature runs by source (admin, chat, event, obs, timer) and result (ok, error).
    pub executions: Family<Labels, Counter>,
    /// Time from an execute request's arrival to its answer (HTTP), seconds.
    pub execute_seconds: Histogram,
    /// redb commit time per group commit, seconds.
    pub commit_seconds: Histogram,
    pub commands_per_commit: Histogram,
    pub frames_sent: Counter,
    /// Frames a lagging client did not get (it got a fresh snapshot instead).
    pub frames_dropped: Counter,
    /// Fresh snapshots sent, by reason (lag, client).
    pub resyncs: Family<Labels, Counter>,
    /// Chat lines that named a command, by outcome (run, cooldown, busy, denied, invalid).
    pub chat_commands: Family<Labels, Counter>,
    pub obs_connects: Counter,
    pub twitch_connects: Counter,
    /// Set at scrape time.
    pub clients: Family<Labels, Gauge>,
    pub connected: Family<Labels, Gauge>,
    pub open_connections: Gauge,
}

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("stagehand");
        let m = Metrics {
            executions: Family::default(),
            execute_seconds: Histogram::new(exponential_buckets(0.000_25, 2.0, 14)),
            commit_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            commands_per_commit: Histogram::new(exponential_buckets(1.0, 2.0, 10)),
            frames_sent: Counter::default(),
            frames_dropped: Counter::default(),
            resyncs: Family::default(),
            chat_commands: Family::default(),
            obs_connects: Counter::default(),
            twitch_connects: Counter::default(),
            clients: Family::default(),
            connected: Family::default(),
            open_connections: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "executions",
            "Feature runs by source and result",
            m.executions.clone(),
        );
        registry.register(
            "execute_seconds",
            "Execute request latency over HTTP",
            m.execute_seconds.clone(),
        );
        registry.register(
            "commit_seconds",
            "redb commit latency per group commit",
            m.commit_seconds.clone(),
        );
        registry.register(
            "commands_per_commit",
            "Commands written per group commit",
            m.commands_per_commit.clone(),
        );
        registry.register(
            "frames_sent",
            "WebSocket frames sent to clients",
            m.frames_sent.clone(),
        );
        registry.register(
            "frames_dropped",
            "Frames a lagging client skipped (it got a fresh snapshot)",
            m.frames_dropped.clone(),
        );
        registry.register("resyncs", "Fresh snapshots by reason", m.resyncs.clone());
        registry.register(
            "chat_commands",
            "Chat command lines by outcome",
            m.chat_commands.clone(),
        );
        registry.register(
            "obs_connects",
            "Connections made to OBS (reconnects = this - 1)",
            m.obs_connects.clone(),
        );
        registry.register(
            "twitch_connects",
            "Connections made to Twitch chat (reconnects = this - 1)",
            m.twitch_connects.clone(),
        );
        registry.register("clients", "WebSocket clients by kind", m.clients.clone());
        registry.register(
            "connected",
            "Connection state of OBS and Twitch (1 = connected)",
            m.connected.clone(),
        );
        registry.register(
            "open_connections",
            "Open client TCP connections",
            m.open_connections.clone(),
        );
        Metrics { registry, ..m }
    }

    pub fn execution(&self, source: &str, ok: bool) {
        self.executions
            .get_or_create(&vec![
                ("source", source.to_string()),
                ("result", if ok { "ok" } else { "error" }.to_string()),
            ])
            .inc();
    }

    pub fn chat(&self, outcome: &'static str) {
        self.chat_commands
            .get_or_create(&vec![("outcome", outcome.to_string())])
            .inc();
    }

    pub fn resync(&self, reason: &'static str) {
        self.resyncs
            .get_or_create(&vec![("reason", reason.to_string())])
            .inc();
    }

    pub fn set_gauge(family: &Family<Labels, Gauge>, label: &'static str, value: &str, v: i64) {
        family
            .get_or_create(&vec![(label, value.to_string())])
            .set(v);
    }

    pub fn observe(h: &Histogram, d: Duration) {
        h.observe(d.as_secs_f64());
    }

    /// The text exposition format (OpenMetrics text, which Prometheus reads).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(e) = encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "cannot encode metrics");
        }
        out
    }
}
