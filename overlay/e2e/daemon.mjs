// Starts the real stagehand daemon for browser tests: fresh temp dir as cwd,
// data dir inside it, port from the one "listening on http://…" stdout line.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { OVERLAY_DIR, addBackdrop, launchBrowser } from './helpers.mjs';

export const DAEMON_BIN = resolve(OVERLAY_DIR, process.env.STAGEHAND_BIN || '../target/debug/stagehand');
const START_TIMEOUT_MS = 30_000;

export function newWorkDir() {
  return mkdtempSync(join(tmpdir(), 'stagehand-e2e-'));
}

/**
 * Spawns the daemon in `dir` (data in `dir/data`), bound to `bind`.
 * Resolves with {base, port, stop()} once it printed its listening line.
 */
export async function startDaemon(dir, bind = '127.0.0.1:0') {
  if (!existsSync(DAEMON_BIN)) {
    throw new Error(`daemon binary not found at ${DAEMON_BIN} (build it, or set STAGEHAND_BIN)`);
  }
  const log = createWriteStream(join(dir, 'daemon.log'), { flags: 'a' });
  const child = spawn(DAEMON_BIN, [], {
    cwd: dir,
    env: {
      ...process.env,
      STAGEHAND__SERVER__BIND: bind,
      STAGEHAND__STORAGE__DATA_DIR: join(dir, 'data'),
      RUST_LOG: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const remember = (line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    log.write(d);
    for (const l of d.split('\n')) if (l) remember(l);
  });
  let stopping = false;
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  exited.then(({ code, signal }) => {
    // Makes a later "fetch failed" understandable.
    if (!stopping) console.error(`stagehand daemon (pid ${child.pid}) exited unexpectedly: code ${code}, signal ${signal}`);
  });

  const base = await new Promise((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error('daemon did not print its listening line in time')), START_TIMEOUT_MS);
    const fail = (e) => {
      clearTimeout(timer);
      stopping = true;
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n--- daemon output (last lines) ---\n${tail.join('\n')}`));
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      log.write(d);
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        remember(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolvePromise(m[1].replace(/\/$/, ''));
        }
      }
    });
    child.once('error', fail);
    exited.then(({ code, signal }) => fail(new Error(`daemon exited early (code ${code}, signal ${signal})`)));
  });

  return {
    base,
    port: Number(new URL(base).port),
    child,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
      log.end();
    },
  };
}

/** JSON REST call; throws with the body on an unexpected status. */
export async function api(base, method, path, body, expect = [200, 201]) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ok = Array.isArray(expect) ? expect.includes(res.status) : res.status === expect;
  if (!ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * One daemon (OBS off, fresh data dir) and one Chromium for a whole test file: registers the
 * before/after hooks and returns what they fill in, with `call` for the REST API and
 * `openOverlay` (a page on /overlay/ over the test backdrop, its snapshot applied). `setup`
 * runs once both are up (inside the same hook: node does not wait for one root `before`
 * before starting the next).
 */
export function useDaemonAndBrowser(setup = async () => {}, { obs = null } = {}) {
  const t = {
    daemon: null,
    browser: null,
    dir: null,
    /** The real OBS when `obs: {scenes, sources}` asked for one (see obs.mjs). */
    obs: null,
    call: (method, path, body, expect) => api(t.daemon.base, method, path, body, expect),
    async openOverlay() {
      const page = await t.browser.newPage();
      await page.goto(`${t.daemon.base}/overlay/`);
      await addBackdrop(page);
      await page.waitForSelector('body[data-connected="true"]');
      return page;
    },
  };
  before(async () => {
    t.dir = newWorkDir();
    if (obs) {
      const { freePort, startObs } = await import('./obs.mjs');
      t.obs = await startObs(await freePort(), 'e2e-obs-every-widget', obs);
      Object.assign(process.env, {
        STAGEHAND__OBS__ENABLED: 'true',
        STAGEHAND__OBS__PORT: String(t.obs.port),
        STAGEHAND__OBS__PASSWORD: t.obs.password,
      });
    } else {
      process.env.STAGEHAND__OBS__ENABLED = 'false';
    }
    t.daemon = await startDaemon(t.dir);
    t.browser = await launchBrowser();
    t.browser.context.setDefaultTimeout(10_000);
    await setup(t);
  });
  after(async () => {
    await t.browser?.close();
    await t.daemon?.stop();
    await t.obs?.stop();
    if (t.obs) for (const k of ['ENABLED', 'PORT', 'PASSWORD']) delete process.env[`STAGEHAND__OBS__${k}`];
    if (t.dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(t.dir, { recursive: true, force: true });
  });
  return t;
}
