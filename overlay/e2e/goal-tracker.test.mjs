// GoalTrackerWidget in real Chromium against the real daemon: progress fills the bar and the
// count says what is counted; reaching the goal fires confetti once.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { addBackdrop, artifactsDir, el, launchBrowser } from './helpers.mjs';

let browser;
let daemon;
let dir;

before(async () => {
  dir = newWorkDir();
  process.env.STAGEHAND__OBS__ENABLED = 'false';
  daemon = await startDaemon(dir);
  browser = await launchBrowser();
  browser.context.setDefaultTimeout(10_000);
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('a sub goal fills and celebrates when reached', { timeout: 90_000 }, async () => {
  const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);
  const dash = (await call('POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201)).id;
  const goal = (await call('POST', '/api/widgets', {
    widget_class: 'GoalTrackerWidget', name: 'Sub goal', dashboard_ids: [dash],
    widget_parameters: { title: 'Sub goal: new emote', unit: 'Subs', goal: 50 },
  }, 201)).id;
  await call('POST', `/api/dashboards/${dash}/activate`);
  const page = await browser.newPage();
  await page.goto(`${daemon.base}/overlay/`);
  await addBackdrop(page);
  await page.waitForSelector('body[data-connected="true"]');

  await call('POST', `/api/widgets/${goal}/execute`, { feature: 'add_progress', parameters: { amount: 20 } });
  await page.locator(`${el('progress_bar')} .progress-fill[data-percent="40"]`).waitFor();
  assert.equal(await page.locator(`${el('count_text')} .content-text`).textContent(), '20 / 50 subs (40%)');
  assert.equal(await page.locator(`${el('celebration')}[data-visible="true"]`).count(), 0);

  await call('POST', `/api/widgets/${goal}/execute`, { feature: 'add_progress', parameters: { amount: 30 } });
  await page.locator(`${el('progress_bar')} .progress-fill[data-percent="100"]`).waitFor();
  await page.locator(`${el('celebration')}[data-visible="true"][data-effect="confetti"]`).waitFor();
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(artifactsDir(), 'goal-tracker-reached.png') });
});
