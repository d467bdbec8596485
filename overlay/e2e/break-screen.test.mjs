// A "Be Right Back" break screen built from the library's TextWidget and
// CountdownTimerWidget, in real Chromium against the real daemon: the title shows and changes
// by set_text, the countdown runs from the stored deadline (also after an overlay reload),
// pauses, and at zero shows its time's-up text and plays the default chime.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { artifactsDir, el } from './helpers.mjs';

const T = { timeout: 90_000 };
const LIVE = { timeout: 5_000 };

let overlay;
const ids = {};
const t = useDaemonAndBrowser(async ({ call, openOverlay }) => {
  ids.brb = (await call('POST', '/api/dashboards', { name: 'Be Right Back', obs_scene: null }, 201)).id;
  const widget = (widget_class, name) => call('POST', '/api/widgets', { widget_class, name, dashboard_ids: [ids.brb] }, 201);
  ids.title = (await widget('TextWidget', 'BRB title')).id;
  ids.timer = (await widget('CountdownTimerWidget', 'Break timer')).id;
  await call('POST', `/api/dashboards/${ids.brb}/activate`);
  overlay = await openOverlay();
});
const { call } = t;
const run = (widget, feature, parameters = {}) => call('POST', `/api/widgets/${widget}/execute`, { feature, parameters });
const clock = () => overlay.locator(`${el('clock')} .content-timer`);

test('the title shows at once and set_text changes it, as text', T, async () => {
  const title = overlay.locator(`${el('title')} .content-text`);
  await overlay.locator(`${el('title')}[data-visible="true"]`).waitFor(LIVE);
  assert.equal(await title.textContent(), 'Be Right Back');
  await run(ids.title, 'set_text', { message: '<b>Back in 5</b> minutes' });
  await overlay.waitForFunction(() => document.querySelector('.element[data-name="title"] .content-text')?.textContent === '<b>Back in 5</b> minutes');
  assert.equal(await overlay.locator(`${el('title')} b`).count(), 0, 'never markup');
  await run(ids.title, 'set_text', { message: 'Back in 5 minutes' });
  await overlay.waitForFunction(() => document.querySelector('.element[data-name="title"] .content-text')?.textContent === 'Back in 5 minutes');
});

test('the countdown runs from the stored deadline, survives a reload and pauses', T, async () => {
  await run(ids.timer, 'start_timer', { duration: 300 });
  await overlay.locator(`${el('clock')}[data-visible="true"]`).waitFor(LIVE);
  await clock().locator('xpath=self::*[@data-running="true"]').waitFor(LIVE);
  assert.match(await clock().locator('.timer-value').textContent(), /^0[45]:[0-5]\d$/);
  assert.equal(await overlay.locator(`${el('label')} .content-text`).textContent(), 'Starting soon');
  await overlay.waitForTimeout(600); // let the entrance settle for the picture
  await overlay.screenshot({ path: join(artifactsDir(), 'break-screen.png') });

  // A reloaded overlay (OBS refreshing the source) shows the same clock, still running.
  await overlay.close();
  overlay = await t.openOverlay();
  await clock().locator('xpath=self::*[@data-running="true"]').waitFor(LIVE);
  assert.match(await clock().locator('.timer-value').textContent(), /^0[45]:[0-5]\d$/);

  await run(ids.timer, 'pause_timer');
  await clock().locator('xpath=self::*[@data-running="false"]').waitFor(LIVE);
  const frozen = await clock().locator('.timer-value').textContent();
  await overlay.waitForTimeout(1200);
  assert.equal(await clock().locator('.timer-value').textContent(), frozen, 'a paused clock stands still');
  await run(ids.timer, 'resume_timer');
  await clock().locator('xpath=self::*[@data-running="true"]').waitFor(LIVE);
});

test("at zero the time's-up text shows and the default chime plays", T, async () => {
  const sound = (await call('GET', '/api/widgets')).find((w) => w.id === ids.timer).elements.find((e) => e.name === 'times_up_sound');
  const chime = (await call('GET', '/api/media?kind=audio')).find((m) => m.original_name === 'stagehand-chime.wav');
  assert.ok(chime, 'the default chime is in the library');
  assert.deepEqual(sound.media_details.map((m) => [m.role, m.id]), [['audio', chime.id]], 'a new timer rings the chime out of the box');
  await run(ids.timer, 'start_timer', { duration: 1 });
  await overlay.locator(`${el('times_up_text')}[data-visible="true"]`).waitFor({ timeout: 8_000 });
  await clock().locator('xpath=self::*[@data-finished="true"]').waitFor(LIVE);
  assert.equal(await clock().locator('.timer-value').textContent(), '00:00');
  assert.equal(await overlay.locator(`${el('times_up_text')} .content-text`).textContent(), 'Starting now!');
  await overlay.waitForFunction(() => {
    const a = document.querySelector('.element[data-name="times_up_sound"] audio');
    return a && !a.paused && a.currentTime > 0;
  }, null, LIVE);
  await overlay.waitForTimeout(600);
  await overlay.screenshot({ path: join(artifactsDir(), 'break-screen-times-up.png') });

  await run(ids.timer, 'reset_timer');
  await overlay.locator(`${el('times_up_text')}[data-visible="false"]`).waitFor(LIVE);
  await clock().locator('xpath=self::*[@data-running="false"]').waitFor(LIVE);
  assert.equal(await clock().locator('.timer-value').textContent(), '00:01');
});
