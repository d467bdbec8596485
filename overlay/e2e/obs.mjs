// A real OBS for the browser tests, through adapters/obs's `test_obs` example (root and the
// OBS root file system of tests/obs/rootfs.sh needed; tests/run.sh prepares both).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { OVERLAY_DIR } from './helpers.mjs';

const TEST_OBS = resolve(OVERLAY_DIR, process.env.STAGEHAND_TEST_OBS || '../target/debug/examples/test_obs');

/** A loopback port that was free a moment ago. */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Starts OBS on `port` with obs-websocket's `password`, adds `scenes` (names) and `sources`
 * (`"Scene/Source"`: a colour source in that scene); resolves with {port, password, stop()}
 * once obs-websocket answers.
 */
export function startObs(port, password, { scenes = [], sources = [] } = {}) {
  if (!existsSync(TEST_OBS)) throw new Error(`${TEST_OBS} missing: cargo build -p stagehand-obs --example test_obs --features test-obs`);
  const args = [String(port), password, ...scenes.flatMap((s) => ['--scene', s]), ...sources.flatMap((s) => ['--source', s])];
  const child = spawn(TEST_OBS, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res, rej) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      if (d.includes('obs ready on')) {
        res({ port, password, child, stop: () => new Promise((r) => (child.once('exit', r), child.stdin.end())) });
      }
    });
    child.once('exit', (code) => rej(new Error(`test_obs exited (${code}): ${err}`)));
  });
}
