// WheelSpinnerWidget in real Chromium against the real daemon: chat-style option edits reach
// the wheel, a spin lands exactly on the segment the server picked (and audited with its
// seed), and the result is announced when the wheel stops, with the default chime.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { artifactsDir, el } from './helpers.mjs';

const T = { timeout: 90_000 };
const t = useDaemonAndBrowser();

test('a spin lands on the server-chosen segment and announces it', T, async () => {
  const { call } = t;
  const dash = (await call('POST', '/api/dashboards', { name: 'Games', obs_scene: null }, 201)).id;
  const wheel = (await call('POST', '/api/widgets', {
    widget_class: 'WheelSpinnerWidget', name: 'Punishments', dashboard_ids: [dash],
    widget_parameters: { options: 'Sing, Dance, Push-ups, Hydrate', spin_duration_s: 2 },
  }, 201)).id;
  await call('POST', `/api/dashboards/${dash}/activate`);
  const run = (feature, parameters = {}, expect) => call('POST', `/api/widgets/${wheel}/execute`, { feature, parameters }, expect);
  await run('add_option', { option: 'Viewer picks', weight: 2 });
  const refused = await run('add_option', { option: 'sing' }, [422]);
  assert.equal(refused.error.field, 'parameters.option', JSON.stringify(refused));

  const page = await t.openOverlay();
  assert.equal(await page.locator(`${el('wheel')} text`).filter({ hasText: 'Viewer picks' }).count(), 1, 'the added option is a segment');

  await run('spin_wheel');
  const winner = (await call('GET', `/api/widgets/${wheel}`)).state.last;
  await page.locator(`${el('wheel')} .spin[data-state="spinning"]`).waitFor();
  await page.waitForTimeout(900);
  await page.screenshot({ path: join(artifactsDir(), 'wheel-spinning.png') });
  await page.locator(`${el('wheel')} .spin[data-state="landed"][data-result="${winner}"]`).waitFor({ timeout: 8_000 });
  const labels = ['Sing', 'Dance', 'Push-ups', 'Hydrate', 'Viewer picks'];
  const result = page.locator(`${el('result_text')}[data-visible="true"] .content-text`);
  await result.waitFor({ timeout: 8_000 });
  assert.equal(await result.textContent(), `The wheel says: ${labels[winner]}`);
  await page.waitForFunction(() => {
    const a = document.querySelector('.element[data-name="win_sound"] audio');
    return a && !a.paused;
  });
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(artifactsDir(), 'wheel-landed.png') });

  const audit = await call('GET', '/api/audit?limit=20');
  const entries = Array.isArray(audit) ? audit : audit.entries;
  const spin = entries.find((e) => e.subject?.feature === 'spin_wheel');
  assert.ok(Number.isInteger(spin?.seed), 'the spin is audited with its seed');
});
