// The Elements dialog in real Chromium against the real daemon: behaviour pickers
// (entrance/exit kind, duration, delay, easing, loop) with a live preview that
// animates exactly like the overlay does, saved through the element PATCH and
// checked by the daemon; unsaved edits are never dropped without asking (close,
// Escape, switching element); the audio element's switch and volume say what they do.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { addBackdrop, artifactsDir, axeClean, el, launchBrowser } from './helpers.mjs';

const T = { timeout: 90_000 };
const LIVE = { timeout: 5_000 };

let browser;
let daemon;
let dir;
let admin;
let overlay;
const ids = {};

const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);
const panel = (p, name) => p.locator('[data-panel]', { has: p.getByRole('heading', { level: 3, name, exact: true }) });
const dialogs = (p) => p.locator('dialog[open]');
const elements = (p) => dialogs(p).filter({ has: p.getByRole('heading', { level: 2, name: 'Elements' }) });
const discard = (p) => dialogs(p).filter({ has: p.getByRole('heading', { level: 2, name: 'Discard unsaved changes?' }) });
const elementState = async (name) => (await call('GET', '/api/widgets')).find((w) => w.id === ids.party).elements.find((e) => e.name === name);

async function openElements(p) {
  await panel(p, 'Party').getByRole('button', { name: /^Elements/ }).click();
  await elements(p).waitFor();
  return elements(p);
}

/** Keyframes and timing of the animations running on `selector`'s node (transform/opacity only). */
const animationsOf = (p, selector) =>
  p.evaluate((sel) => {
    const node = document.querySelector(sel);
    if (!node) return [];
    return node.getAnimations().map((a) => {
      const t = a.effect.getTiming();
      const kf = a.effect.getKeyframes().map(({ offset, opacity, transform }) => ({ offset, opacity, transform }));
      return { keyframes: kf, duration: t.duration, delay: t.delay, easing: t.easing, iterations: t.iterations };
    });
  }, selector);

before(async () => {
  dir = newWorkDir();
  process.env.STAGEHAND__OBS__ENABLED = 'false';
  daemon = await startDaemon(dir);
  browser = await launchBrowser();
  browser.context.setDefaultTimeout(10_000);
  ids.main = (await call('POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201)).id;
  ids.party = (await call('POST', '/api/widgets', { widget_class: 'ConfettiAlertWidget', name: 'Party', dashboard_ids: [ids.main] }, 201)).id;
  await call('POST', `/api/dashboards/${ids.main}/activate`);
  overlay = await browser.newPage();
  await overlay.goto(`${daemon.base}/overlay/`);
  await overlay.waitForSelector('body[data-connected="true"]');
  admin = await browser.newPage();
  await admin.goto(`${daemon.base}/admin/#/d/${ids.main}`);
  await admin.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('the daemon checks behaviour edits and names the field', T, async () => {
  const path = `/api/widgets/${ids.party}/elements/confetti_particle`;
  for (const [behavior, field] of [
    [{ entrance: { type: 'wobble' } }, 'behavior.entrance.type'],
    [{ exit: { duration: 30 } }, 'behavior.exit.duration'],
    [{ entrance: { delay: -1 } }, 'behavior.entrance.delay'],
    [{ entrance: { easing: 'bouncy' } }, 'behavior.entrance.easing'],
    [{ loop: 'wiggle' }, 'behavior.loop'],
    [{ loop: { type: 'pulse', intensity: 9 } }, 'behavior.loop.intensity'],
    [{ sparkle: true }, 'behavior.sparkle'],
  ]) {
    const body = await call('PATCH', path, { behavior }, 422);
    assert.equal(body.error.field, field, JSON.stringify(behavior));
  }
  const e = await elementState('confetti_particle');
  assert.deepEqual(e.behavior.entrance, { type: 'pop', duration: 0.4 }, 'nothing refused was saved');
});

test('behaviour pickers: a live preview that animates like the overlay, saved through the element PATCH', T, async () => {
  const d = await openElements(admin);
  const particle = d.locator('[data-element="confetti_particle"]');
  const behaviour = particle.locator('[data-behavior]');
  // Today's behaviour is what the pickers show.
  assert.equal(await behaviour.getByLabel('Entrance', { exact: true }).inputValue(), 'pop');
  assert.equal(await behaviour.getByLabel('Entrance duration (s)').inputValue(), '0.4');
  assert.equal(await behaviour.getByLabel('Exit', { exact: true }).inputValue(), 'fade');
  assert.equal(await behaviour.getByLabel('Loop while shown').inputValue(), 'none');

  await behaviour.getByLabel('Entrance', { exact: true }).selectOption('slide');
  await behaviour.getByLabel('Entrance direction').selectOption('left');
  await behaviour.getByLabel('Entrance duration (s)').fill('0.8');
  await behaviour.getByLabel('Entrance delay (s)').fill('0.25');
  await behaviour.getByLabel('Entrance easing').selectOption('back');
  await behaviour.getByLabel('Exit', { exact: true }).selectOption('scale');
  await behaviour.getByLabel('Loop while shown').selectOption('pulse');
  await behaviour.getByLabel('Loop cycle (s)').fill('1.2');
  await behaviour.getByLabel('Strength').fill('1.5');
  assert.match(await particle.locator('[data-unsaved]').innerText(), /behaviour/);

  // The preview plays the picked entrance, then loops while "on screen".
  const stage = particle.locator('[data-behavior-preview] [role="img"]');
  await admin.waitForFunction(() => document.querySelector('[data-behavior-preview] [role="img"]')?.dataset.phase === 'entrance', null, LIVE);
  const wrapperSel = '[data-behavior-preview] [role="img"] > div';
  const entering = await animationsOf(admin, wrapperSel);
  assert.equal(entering.length, 1, 'the preview animates the entrance');
  assert.equal(entering[0].duration, 800);
  assert.equal(entering[0].delay, 250);
  assert.equal(entering[0].easing, 'cubic-bezier(0.34, 1.56, 0.64, 1)');
  assert.equal(entering[0].keyframes[0].transform, 'translateX(-80px)');
  await admin.waitForFunction(() => document.querySelector('[data-behavior-preview] [role="img"]')?.dataset.phase === 'shown', null, LIVE);
  const previewLoop = await animationsOf(admin, `${wrapperSel} > div`);
  assert.equal(previewLoop.length, 1, 'the loop runs in the preview');
  assert.equal(previewLoop[0].iterations, Infinity);
  await admin.screenshot({ path: join(artifactsDir(), 'elements-behaviour.png') });
  await axeClean(admin, 'the elements dialog with behaviour pickers');

  await particle.getByRole('button', { name: 'Save confetti_particle' }).click();
  await particle.getByRole('button', { name: 'Save confetti_particle' }).waitFor({ state: 'detached' });
  const e = await elementState('confetti_particle');
  assert.deepEqual(e.behavior, {
    entrance: { type: 'slide', duration: 0.8, delay: 0.25, easing: 'back', direction: 'left' },
    exit: { type: 'scale', duration: 0.5 },
    loop: { type: 'pulse', duration: 1.2, intensity: 1.5 },
  });
  assert.equal(await stage.count(), 1);

  // On air: the overlay runs the same entrance and the same loop as the preview.
  await addBackdrop(overlay);
  const seen = overlay.evaluate(
    (sel) =>
      new Promise((resolve) => {
        const look = () => {
          const node = document.querySelector(sel);
          const a = node?.getAnimations().find((x) => x.effect.getTiming().iterations === 1);
          if (a) {
            const t = a.effect.getTiming();
            resolve({ duration: t.duration, delay: t.delay, easing: t.easing, first: a.effect.getKeyframes()[0].transform });
          } else requestAnimationFrame(look);
        };
        look();
      }),
    el('confetti_particle'),
  );
  await particle.getByRole('switch').check();
  assert.deepEqual(await seen, { duration: 800, delay: 250, easing: 'cubic-bezier(0.34, 1.56, 0.64, 1)', first: 'translateX(-80px)' });
  await overlay.waitForSelector(`${el('confetti_particle')}[data-loop="pulse"]`, { state: 'attached', ...LIVE });
  const airLoop = await animationsOf(overlay, `${el('confetti_particle')} > .content`);
  const loopNow = await admin.evaluate(() => document.querySelector('[data-behavior-preview] [role="img"]')?.dataset.phase);
  if (loopNow === 'shown') {
    const again = await animationsOf(admin, `${wrapperSel} > div`);
    assert.deepEqual(airLoop, again, 'the preview loop is the overlay loop');
  }
  assert.equal(airLoop[0]?.duration, 1200);
  assert.equal(airLoop[0]?.keyframes[1]?.transform, 'scale(1.12)');
  await particle.getByRole('switch').uncheck();
  await d.getByRole('button', { name: 'Done' }).click();
  await elements(admin).waitFor({ state: 'detached' });
});

test('unsaved edits: close, Escape and switching element ask before discarding', T, async () => {
  let d = await openElements(admin);
  const particle = d.locator('[data-element="confetti_particle"]');
  await particle.getByLabel('X', { exact: true }).fill('640');

  // Escape: asks; "Keep editing" keeps the edit.
  await admin.keyboard.press('Escape');
  await discard(admin).waitFor();
  assert.match(await discard(admin).innerText(), /confetti_particle \(placement\)/);
  await axeClean(admin, 'the discard prompt');
  await admin.screenshot({ path: join(artifactsDir(), 'elements-unsaved-prompt.png') });
  await discard(admin).getByRole('button', { name: 'Keep editing' }).click();
  await discard(admin).waitFor({ state: 'detached' });
  assert.equal(await particle.getByLabel('X', { exact: true }).inputValue(), '640');

  // Switching element: asks too, and stays on the element when told to keep editing.
  await d.getByRole('tab', { name: /pop_sound/ }).click();
  await discard(admin).waitFor();
  await admin.keyboard.press('Escape'); // Escape in the prompt = keep editing, the dialog stays
  await discard(admin).waitFor({ state: 'detached' });
  assert.equal(await elements(admin).count(), 1, 'Escape in the prompt does not close the Elements dialog');
  assert.equal(await d.getByRole('tab', { selected: true }).getAttribute('data-element-tab'), 'confetti_particle');
  assert.equal(await particle.getByLabel('X', { exact: true }).inputValue(), '640');

  // The close button and Done: ask; "Discard changes" closes without saving.
  await d.getByRole('button', { name: 'Close dialog' }).click();
  await discard(admin).getByRole('button', { name: 'Keep editing' }).click();
  await d.getByRole('button', { name: 'Done' }).click();
  await discard(admin).getByRole('button', { name: 'Discard changes' }).click();
  await elements(admin).waitFor({ state: 'detached' });
  assert.equal((await elementState('confetti_particle')).properties.position.x, 832, 'nothing was saved');

  // Without edits nothing is asked; arrow keys move between elements.
  d = await openElements(admin);
  await d.getByRole('tab', { name: /confetti_particle/ }).focus();
  await admin.keyboard.press('ArrowRight');
  await d.locator('[data-element="pop_sound"]').waitFor();
  assert.equal(await discard(admin).count(), 0);
  await admin.keyboard.press('Escape');
  await elements(admin).waitFor({ state: 'detached' });
});

test('the audio element: its switch says Playing/Stopped, and one place sets its volume', T, async () => {
  const d = await openElements(admin);
  await d.getByRole('tab', { name: /pop_sound/ }).click();
  const sound = d.locator('[data-element="pop_sound"]');
  await sound.waitFor();
  const sw = sound.getByRole('switch', { name: 'pop_sound: playing on the overlay' });
  assert.equal(await sw.isChecked(), false);
  assert.match(await sound.innerText(), /Stopped/);
  assert.doesNotMatch(await sound.innerText(), /Hidden/);
  // The widget's "Sound volume" sets the volume on every play: the dialog says so instead of offering a second field.
  assert.match(await sound.locator('[data-volume-note]').innerText(), /comes from the widget's Sound volume parameter/);
  assert.equal(await sound.getByLabel('Volume').count(), 0);
  assert.equal(await sound.locator('[data-behavior]').count(), 0, 'sound has no entrance or loop');
  await sw.check();
  await sound.getByText('Playing', { exact: true }).waitFor(LIVE);
  await sw.uncheck();
  await sound.getByText('Stopped', { exact: true }).waitFor(LIVE);

  // Phone: the tabs wrap, nothing scrolls sideways.
  await admin.setViewportSize({ width: 390, height: 844 });
  await d.getByRole('tab', { name: /confetti_particle/ }).click();
  await d.locator('[data-element="confetti_particle"] [data-behavior]').waitFor();
  const overflow = await d.evaluate((node) => node.scrollWidth - node.clientWidth);
  assert.ok(overflow <= 0, `no sideways scroll in the dialog at 390 px (${overflow})`);
  await admin.screenshot({ path: join(artifactsDir(), 'elements-behaviour-390.png'), fullPage: true });
  await axeClean(admin, 'the elements dialog at 390 px');
  await admin.setViewportSize({ width: 1920, height: 1080 });
  await admin.keyboard.press('Escape');
});
