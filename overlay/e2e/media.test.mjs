// Media library in real Chromium against the real daemon: an uploaded PNG and WAV assigned to
// the confetti widget render and play on the overlay; the admin's Media page uploads two files
// by drag-and-drop with a progress bar each, and the Elements dialog picks one.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { addBackdrop, artifactsDir, el, launchBrowser } from './helpers.mjs';
import { png, wav } from './media-files.mjs';

const T = { timeout: 60_000 };
let browser;
let daemon;
let dir;
const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);

async function upload(name, bytes, type) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${daemon.base}/api/media`, { method: 'POST', body: form });
  const body = await res.json();
  assert.ok(res.status === 201 || res.status === 200, `${name}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

before(async () => {
  dir = newWorkDir();
  process.env.STAGEHAND__OBS__ENABLED = 'false';
  daemon = await startDaemon(dir);
  browser = await launchBrowser();
  browser.context.setDefaultTimeout(15_000);
  const d = await call('POST', '/api/dashboards', { name: 'Main' });
  await call('POST', `/api/dashboards/${d.id}/activate`);
  await call('POST', '/api/widgets', { widget_class: 'ConfettiAlertWidget', name: 'Confetti', dashboard_ids: [d.id] });
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('an uploaded PNG and WAV on the confetti widget: the overlay renders the image and plays the sound', T, async () => {
  const w = (await call('GET', '/api/widgets')).find((x) => x.name === 'Confetti');
  const pop = w.elements.find((e) => e.name === 'pop_sound');
  assert.ok(pop.media.audio, 'a fresh ConfettiAlertWidget has the default pop');
  const sprite = await upload('sprite.png', png(256, 240), 'image/png');
  const tone = await upload('tone.wav', wav(3), 'audio/wav');
  const page = await browser.newPage();
  const fetched = new Map();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/media/') && !fetched.has(u.pathname)) fetched.set(u.pathname, Date.now());
  });
  await page.goto(`${daemon.base}/overlay/`);
  await page.waitForSelector('body[data-connected="true"]', { state: 'attached' });
  await addBackdrop(page);
  await call('PATCH', `/api/widgets/${w.id}/elements/confetti_particle`, { media: { image: sprite.id } });
  await call('PATCH', `/api/widgets/${w.id}/elements/pop_sound`, { media: { audio: tone.id } });
  // Wait for the overlay to hold both URLs, and for the browser to have requested them, before firing.
  for (const url of [sprite.url, tone.url]) {
    await page.waitForFunction((u) => [...document.querySelectorAll('img, audio, [style]')].some((n) => (n.getAttribute('src') ?? n.getAttribute('style') ?? '').includes(u)), url);
  }
  while (!fetched.has(sprite.url) || !fetched.has(tone.url)) await new Promise((r) => setTimeout(r, 20));
  const preloadedAt = { image: fetched.get(sprite.url), audio: fetched.get(tone.url) };
  const firedAt = Date.now();
  await call('POST', `/api/widgets/${w.id}/execute`, { feature: 'trigger_blast', parameters: { intensity: 'Medium' } });
  await page.waitForSelector(`${el('confetti_particle')}[data-visible="true"]`, { state: 'attached' });
  // The image is decoded and painted.
  await page.waitForFunction(
    (sel) => {
      const img = document.querySelector(`${sel} img`);
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth === 256;
    },
    el('confetti_particle'),
  );
  // The sound plays: not paused, and its clock moves.
  const t0 = await page.waitForFunction((sel) => {
    const a = document.querySelector(`${sel} audio`);
    return a && !a.paused && a.currentTime > 0 ? a.currentTime : false;
  }, el('pop_sound'));
  const first = await t0.jsonValue();
  await page.waitForFunction(
    ([sel, t]) => {
      const a = document.querySelector(`${sel} audio`);
      return a && !a.paused && a.currentTime > t;
    },
    [el('pop_sound'), first],
  );
  const src = await page.$eval(`${el('pop_sound')} audio`, (a) => a.getAttribute('src'));
  assert.equal(src, tone.url);
  assert.ok(preloadedAt.image && preloadedAt.image <= firedAt, 'the image was fetched before the element was shown');
  assert.ok(preloadedAt.audio && preloadedAt.audio <= firedAt, 'the sound was fetched before the element was shown');
  await page.screenshot({ path: join(artifactsDir(), 'media-overlay.png') });
  await page.close();
});

test('admin: drag-and-drop two files on the Media page, both bars reach 100 %, pick one in the Elements dialog', T, async () => {
  const page = await browser.newPage();
  await page.goto(`${daemon.base}/admin/#/media`);
  await page.getByRole('heading', { level: 1, name: 'Media' }).waitFor();
  const files = [
    { name: 'party-star.png', type: 'image/png', b64: png(320, 40).toString('base64') },
    { name: 'airhorn.wav', type: 'audio/wav', b64: wav(1.5, 660).toString('base64') },
  ];
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const f of list) {
      const bin = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      d.items.add(new File([bin], f.name, { type: f.type }));
    }
    return d;
  }, files);
  const zone = page.getByTestId('media-dropzone');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('drop', { dataTransfer: dt });
  for (const f of files) {
    const row = page.locator(`[data-upload="${f.name}"]`);
    await row.locator('[role="progressbar"][aria-valuenow="100"]').waitFor();
    await page.locator(`[data-upload="${f.name}"][data-state="done"]`).waitFor();
  }
  await page.locator('[data-media-id]', { hasText: 'party-star' }).waitFor();
  await page.screenshot({ path: join(artifactsDir(), 'media-page.png'), fullPage: true });
  // A spoofed file: its own inline error.
  const bad = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File(['<!DOCTYPE html><html><script>x</script></html>'], 'not-really.png', { type: 'image/png' }));
    return d;
  });
  await zone.dispatchEvent('drop', { dataTransfer: bad });
  await page.locator('[data-upload="not-really.png"] [role="alert"]', { hasText: 'HTML' }).waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(artifactsDir(), 'media-page-390.png'), fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scroll at 390 px (scrollWidth ${width})`);
  await page.setViewportSize({ width: 1440, height: 900 });

  // Pick the uploaded image in the Elements dialog.
  await page.goto(`${daemon.base}/admin/#/`);
  const panel = page.locator('[data-panel]', { has: page.getByRole('heading', { level: 3, name: 'Confetti', exact: true }) });
  await panel.getByRole('button', { name: /^Elements/ }).click();
  const d = page.locator('dialog[open]');
  const particle = d.locator('[data-element="confetti_particle"]');
  const star = (await call('GET', '/api/media?q=party-star'))[0];
  await particle.getByLabel('image media').selectOption(String(star.id));
  await particle.getByRole('button', { name: 'Save confetti_particle' }).click();
  await particle.getByRole('button', { name: 'Save confetti_particle' }).waitFor({ state: 'detached' });
  const w = (await call('GET', '/api/widgets')).find((x) => x.name === 'Confetti');
  assert.equal(w.elements.find((e) => e.name === 'confetti_particle').media.image, star.id);
  await page.screenshot({ path: join(artifactsDir(), 'media-elements-dialog.png') });
  await page.close();
});
