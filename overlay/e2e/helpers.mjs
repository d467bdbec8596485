// Shared browser-test plumbing: one headless Chromium per test file (never a
// downloaded browser), artifact paths, a dark "game footage" backdrop.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const OVERLAY_DIR = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
];

export function artifactsDir() {
  const dir = process.env.STAGEHAND_ARTIFACTS || resolve(OVERLAY_DIR, '..', 'tests', 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Chromium rendering through SwiftShader (software GL), closer to OBS's GPU path than
 * `--disable-gpu`'s software compositor: canvases and layers are drawn by the GL backend.
 */
export const SOFTWARE_GL_ARGS = [
  ...CHROMIUM_ARGS.filter((a) => a !== '--disable-gpu'),
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
];

/** Launches Chromium with a fresh profile; `close()` also removes the profile. */
export async function launchBrowser({ args = CHROMIUM_ARGS } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'stagehand-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1920, height: 1080 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const logs = [];
      page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
      page.logs = logs;
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Test-only backdrop so screenshots show the overlay as it looks over a game. */
export async function addBackdrop(page) {
  await page.addStyleTag({
    content: `html { background:
      radial-gradient(ellipse at 20% 30%, rgba(60, 110, 160, 0.55), transparent 55%),
      radial-gradient(ellipse at 80% 70%, rgba(120, 60, 140, 0.45), transparent 50%),
      linear-gradient(160deg, #0d1320 0%, #1a2230 45%, #0f1a14 100%) !important; }`,
  });
}

export const el = (name) => `.element[data-name="${name}"]`;

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Resolves after the next two frames: what is on screen has been painted. */
export const painted = (p) => p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Waits for every finite animation (a dialog popping in, a fade) to end. */
export const animationsSettled = (p) =>
  p.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity).map((a) => a.finished.catch(() => {}))));

/**
 * axe-core on the whole document (an open modal dialog included): no violations. Colours are
 * checked as they end up, not mid fade-in (a popping dialog makes axe see half-transparent text).
 */
export async function axeClean(p, what) {
  if (!(await p.evaluate(() => 'axe' in window))) await p.addScriptTag({ path: AXE });
  await animationsSettled(p);
  await painted(p);
  const violations = await p.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n      ${v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' → ' + n.failureSummary?.split('\n').slice(0, 2).join(' ')).join('\n      ')}`);
  });
  assert.deepEqual(violations, [], `axe violations on ${what}`);
}
