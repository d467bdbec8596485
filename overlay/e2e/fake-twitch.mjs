// The fake Twitch for browser tests: adapters/twitch's `fake_twitch` example (IRC, OAuth
// device flow, Helix, EventSub WebSocket), with its control endpoints.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { OVERLAY_DIR, launchBrowser } from './helpers.mjs';

const FAKE_TWITCH = resolve(OVERLAY_DIR, process.env.STAGEHAND_FAKE_TWITCH || '../target/debug/examples/fake_twitch');

/**
 * Starts it; resolves with the one JSON line of its addresses (`auth_url`, `api_url`,
 * `eventsub_url`, `irc_addr`, `control_url`, `irc_control_url`) plus `stop()` and
 * `control(base, method, path, body)`. It runs until its stdin closes.
 */
export function startFakeTwitch() {
  if (!existsSync(FAKE_TWITCH)) throw new Error(`${FAKE_TWITCH} missing: cargo build -p stagehand-twitch --example fake_twitch --features fake-server`);
  const child = spawn(FAKE_TWITCH, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => child.once('exit', r));
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      try {
        const urls = JSON.parse(buf.slice(0, nl));
        res({ ...urls, stop: () => (child.stdin.end(), exited) });
      } catch (e) {
        rej(new Error(`fake_twitch printed ${buf.slice(0, nl)}: ${e.message}`));
      }
    });
    child.once('exit', (code) => rej(new Error(`fake_twitch exited (${code}): ${err}`)));
  });
}

/** A JSON call to one of the fake's control endpoints. */
export async function control(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${base}${path} -> ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * One fake Twitch, one daemon pointed at it and one Chromium for a whole test file: registers
 * the before/after hooks and returns what they fill in (`fake`, `daemon`, `browser`, and `call`
 * for the REST API). `env(fake)` gives the `STAGEHAND__…` variables to start the daemon with
 * (OBS is always off); `ready(t)` runs once everything is up.
 */
export function useFakeTwitchDaemon(env, ready = async () => {}) {
  const t = {
    fake: null,
    daemon: null,
    browser: null,
    dir: null,
    call: (method, path, body, expect) => api(t.daemon.base, method, path, body, expect),
  };
  let keys = [];
  before(async () => {
    t.fake = await startFakeTwitch();
    t.dir = newWorkDir();
    const vars = { STAGEHAND__OBS__ENABLED: 'false', ...env(t.fake) };
    keys = Object.keys(vars);
    Object.assign(process.env, vars);
    t.daemon = await startDaemon(t.dir);
    t.browser = await launchBrowser();
    t.browser.context.setDefaultTimeout(15_000);
    await ready(t);
  });
  after(async () => {
    await t.browser?.close();
    await t.daemon?.stop();
    await t.fake?.stop();
    for (const k of keys) delete process.env[k];
    if (t.dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(t.dir, { recursive: true, force: true });
  });
  return t;
}
