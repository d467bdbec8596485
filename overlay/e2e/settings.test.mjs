// Issue 13 in real Chromium against the real daemon and a real OBS 30.2: from an empty data
// dir with OBS not configured, open Settings from the status bar, test a wrong password
// ("Wrong password" in the page), then the right one, save, and watch the OBS pill turn
// green and the dashboard's scene picker list OBS's scenes. Axe-clean at 1920×1080 and
// 390×844, and nothing secret in any API response.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { artifactsDir, axeClean, launchBrowser, painted } from './helpers.mjs';
import { freePort, startObs } from './obs.mjs';

const T = { timeout: 180_000 };
const LIVE = { timeout: 30_000 };
const PASSWORD = 'e2e-obs-password-7731';

let browser;
let daemon;
let dir;
let obs;
let obsPort;

const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);

async function openAdmin(hash, viewport) {
  const p = await browser.newPage();
  await p.setViewportSize(viewport);
  await p.goto(`${daemon.base}/admin/${hash}`);
  await p.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  return p;
}

before(async () => {
  obsPort = await freePort();
  obs = await startObs(obsPort, PASSWORD);
  dir = newWorkDir();
  // OBS is not configured: the daemon tries the default 127.0.0.1:4455, where nothing is.
  delete process.env.STAGEHAND__OBS__ENABLED;
  process.env.STAGEHAND__OBS__RECONNECT_MAX_S = '1';
  daemon = await startDaemon(dir);
  browser = await launchBrowser();
  browser.context.setDefaultTimeout(15_000);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.base });
  const main = await call('POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201);
  await call('POST', `/api/dashboards/${main.id}/activate`);
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  await obs?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('connect OBS from the settings page: wrong password, then test, save, green pill, scene picker', T, async () => {
  const page = await openAdmin('', { width: 1920, height: 1080 });
  const pill = page.locator('[data-status="obs"]');
  assert.notEqual(await pill.getAttribute('data-tone'), 'ok');
  // The OBS pill leads to the settings page.
  await pill.getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  assert.match(page.url(), /#\/settings$/);
  const obsCard = page.locator('[data-section="obs"]');
  await obsCard.getByLabel('Port').waitFor();
  await axeClean(page, 'the settings page');

  await obsCard.getByLabel('Port').fill(String(obsPort));
  await obsCard.getByLabel('Password', { exact: true }).fill('not-the-password');
  await obsCard.getByRole('button', { name: 'Test connection' }).click();
  const result = obsCard.locator('[data-obs-test]');
  await result.waitFor(LIVE);
  assert.equal(await result.getAttribute('data-reason'), 'wrong_password');
  assert.match(await result.innerText(), /Wrong password/);
  await painted(page);
  await obsCard.screenshot({ path: join(artifactsDir(), 'settings-obs-wrong-password.png') });
  await axeClean(page, 'the settings page with a failed test');

  await obsCard.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await obsCard.getByRole('button', { name: 'Test connection' }).click();
  await obsCard.locator('[data-obs-test][data-ok="true"]').waitFor(LIVE);
  assert.match(await result.innerText(), /Connected to OBS 30\./);

  await obsCard.getByRole('button', { name: 'Save OBS settings' }).click();
  await page.locator('[data-status="obs"][data-tone="ok"]').waitFor(LIVE);
  await obsCard.locator('[data-obs-line]', { hasText: 'Connected' }).waitFor(LIVE);
  // The password field is empty again and says one is saved; no response carries it.
  assert.equal(await obsCard.getByLabel('Password', { exact: true }).inputValue(), '');
  assert.match(await obsCard.getByLabel('Password', { exact: true }).getAttribute('placeholder'), /Saved/);
  const settings = await call('GET', '/api/settings');
  assert.equal(settings.settings['obs.port'].value, obsPort);
  assert.equal(settings.settings['obs.password'].set, true);
  for (const path of ['/api/settings', '/api/status', '/api/audit?limit=100']) {
    assert.ok(!JSON.stringify(await call('GET', path)).includes(PASSWORD), `${path} leaks the password`);
  }
  await painted(page);
  await page.screenshot({ path: join(artifactsDir(), 'settings-page.png'), fullPage: true });

  // The dashboard's scene picker lists OBS's scenes.
  await page.getByRole('link', { name: 'Dashboards' }).click();
  await page.getByRole('button', { name: 'Dashboard settings' }).first().click();
  const picker = page.locator('dialog[open] #db-scene');
  await picker.waitFor();
  await page.waitForFunction(() => document.querySelector('dialog[open] #db-scene')?.tagName === 'SELECT', null, LIVE);
  const options = await picker.locator('option').allInnerTexts();
  assert.ok(options.some((o) => o.trim() === 'Scene'), `OBS's scenes listed: ${options.join(', ')}`);
  await page.close();
});

test('the settings page works at 390 px: no sideways scrolling, axe-clean, copy overlay URL', T, async () => {
  const page = await openAdmin('#/settings', { width: 390, height: 844 });
  await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await page.locator('[data-section="overlay"] [data-source-size]', { hasText: '1920 × 1080' }).waitFor();
  assert.equal(await page.locator('[data-overlay-url]').innerText(), `${daemon.base}/overlay/`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390 px`);
  await axeClean(page, 'the settings page at 390 px');
  await page.locator('[data-section="overlay"] [data-copy-overlay-url]').click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${daemon.base}/overlay/`);
  await page.locator('[data-section="lan"] [data-restart-warning]').waitFor();
  await painted(page);
  await page.screenshot({ path: join(artifactsDir(), 'settings-page-390.png'), fullPage: true });
  await page.close();
});
