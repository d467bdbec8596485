// GoalTrackerWidget in real Chromium against the real daemon: progress fills the bar and the
// count says what is counted; reaching the goal fires confetti once.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { artifactsDir, el } from './helpers.mjs';

const t = useDaemonAndBrowser();

test('a sub goal fills and celebrates when reached', { timeout: 90_000 }, async () => {
  const { call } = t;
  const dash = (await call('POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201)).id;
  const goal = (await call('POST', '/api/widgets', {
    widget_class: 'GoalTrackerWidget', name: 'Sub goal', dashboard_ids: [dash],
    widget_parameters: { title: 'Sub goal: new emote', unit: 'Subs', goal: 50 },
  }, 201)).id;
  await call('POST', `/api/dashboards/${dash}/activate`);
  const page = await t.openOverlay();

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
