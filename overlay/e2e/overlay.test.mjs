// End-to-end: the real daemon + the built overlay page in headless Chromium.
// REST calls change state; the page must show it. One browser for the file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { addBackdrop, artifactsDir, el, launchBrowser, OVERLAY_DIR } from './helpers.mjs';

const T = { timeout: 20_000 };
let browser;
let daemon;
let dir;
let page;
let dashboardId;
const widgets = {};
/** Every frame the daemon sent the page, per WebSocket, decoded. */
const sockets = [];

const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);
const shot = (name) => page.screenshot({ path: join(artifactsDir(), name) });

async function createWidget(widget_class, name, widget_parameters) {
  const w = await call('POST', '/api/widgets', { widget_class, name, dashboard_ids: [dashboardId], widget_parameters }, 201);
  assert.equal(w.widget_class, widget_class);
  assert.ok(Array.isArray(w.elements), 'widget JSON has elements');
  return w;
}

const execute = (widget, feature, parameters = {}) =>
  call('POST', `/api/widgets/${widget.id}/execute`, { feature, parameters });

before(async () => {
  dir = newWorkDir();
  daemon = await startDaemon(dir);
  // The daemon embeds overlay/dist at cargo build time: say so when it serves another build.
  const local = join(OVERLAY_DIR, 'dist/overlay/index.html');
  const served = await (await fetch(`${daemon.base}/overlay/`)).text();
  if (existsSync(local) && readFileSync(local, 'utf8') !== served) {
    console.log('note: the daemon serves an overlay build other than overlay/dist (rebuild the daemon to test the current page)');
  }
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('websocket', (ws) => {
    const frames = [];
    sockets.push({ url: ws.url(), frames });
    ws.on('framereceived', ({ payload }) => {
      try {
        frames.push(typeof payload === 'string' ? { text: payload } : decode(payload));
      } catch (e) {
        frames.push({ undecodable: String(e) });
      }
    });
  });
  await page.goto(`${daemon.base}/overlay/`);
  await addBackdrop(page);
});

after(async () => {
  if (page?.logs?.length) console.log(`overlay console:\n  ${page.logs.slice(-30).join('\n  ')}`);
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('overlay page connects and gets a snapshot', T, async () => {
  await page.waitForSelector('body[data-connected="true"]', { timeout: 15_000 });
  assert.match(await page.getAttribute('body', 'data-seq'), /^\d+$/);
  const transparent = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(transparent, 'rgba(0, 0, 0, 0)');

  // A second overlay (another OBS scene) with ?instance= passes it through.
  const second = await browser.newPage();
  await second.goto(`${daemon.base}/overlay/?instance=scene-2`);
  await second.waitForSelector('body[data-connected="true"]', { timeout: 15_000 });
  const status = await call('GET', '/api/status');
  assert.equal(status.overlay_clients, 2);
  await second.close();
});

test('confetti alert: trigger_blast shows the burst, then hides it after blast_duration', T, async () => {
  const d = await call('POST', '/api/dashboards', { name: 'Main' }, 201);
  assert.equal(d.name, 'Main');
  dashboardId = d.id;
  await call('POST', `/api/dashboards/${dashboardId}/activate`);

  widgets.confetti = await createWidget('ConfettiAlertWidget', 'Confetti', { blast_duration: 1.5 });
  assert.deepEqual(widgets.confetti.elements.map((e) => e.name).sort(), ['confetti_burst', 'confetti_particle', 'pop_sound']);
  const burst = el('confetti_burst');
  await page.waitForSelector(burst, { state: 'attached' });
  assert.equal(await page.getAttribute(burst, 'data-visible'), 'false');
  assert.equal(await page.getAttribute(burst, 'data-element-type'), 'animation');

  const res = await execute(widgets.confetti, 'trigger_blast', { intensity: 'High', color: '#FF0000' });
  assert.equal(res.ok, true);
  assert.ok(Array.isArray(res.elements));
  await page.waitForSelector(`${burst}[data-visible="true"]`, { state: 'attached', timeout: 5_000 });
  await page.waitForTimeout(600); // mid-blast
  await shot('overlay-confetti.png');
  await page.waitForSelector(`${burst}[data-visible="false"]`, { state: 'attached', timeout: 15_000 });
  await page.waitForFunction((sel) => document.querySelector(sel).style.display === 'none', burst, { timeout: 5_000 });
});

test('death counter: increment_deaths twice shows 2', T, async () => {
  widgets.deaths = await createWidget('DeathCounterWidget', 'Deaths');
  assert.ok(widgets.deaths.elements.some((e) => e.name === 'death_count'));
  const value = `${el('death_count')} .counter-value`;
  await page.waitForSelector(value, { state: 'attached' });
  await execute(widgets.deaths, 'increment_deaths');
  await execute(widgets.deaths, 'increment_deaths');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '2', value, { timeout: 5_000 });
  assert.equal(await page.getAttribute(el('death_count'), 'data-visible'), 'true');
  await page.waitForTimeout(500); // let the bump settle for the picture
  await shot('overlay-counter.png');
});

test('donation goal: add_donation 50 of 500 fills the bar to 10%', T, async () => {
  widgets.goal = await createWidget('DonationGoalWidget', 'Goal', { goal_amount: 500 });
  const names = widgets.goal.elements.map((e) => e.name);
  for (const n of ['progress_bar', 'goal_text', 'current_amount_text', 'donor_name_text']) assert.ok(names.includes(n), n);
  await page.waitForSelector(`${el('progress_bar')} .progress-fill`, { state: 'attached' });
  await execute(widgets.goal, 'add_donation', { amount: 50, donor_name: 'Ada' });
  await page.waitForSelector(`${el('progress_bar')} .progress-fill[data-percent="10"]`, { state: 'attached', timeout: 5_000 });
  await page.waitForSelector(`${el('donor_name_text')}[data-visible="true"]`, { state: 'attached', timeout: 5_000 });
  assert.match(await page.textContent(el('donor_name_text')), /Ada/);
});

test('everything together, confetti mid-blast', T, async () => {
  await execute(widgets.confetti, 'trigger_blast', { intensity: 'Medium', color: '#FFC83D' });
  await page.waitForSelector(`${el('confetti_burst')}[data-visible="true"]`, { state: 'attached', timeout: 5_000 });
  await page.waitForTimeout(700);
  await shot('overlay-live.png');
  await page.waitForSelector(`${el('confetti_burst')}[data-visible="false"]`, { state: 'attached', timeout: 15_000 });
});

test('the daemon speaks the wire contract (PROTOCOL.md)', T, async () => {
  const used = sockets.filter((x) => x.frames.length > 0);
  assert.equal(used.length, 1, 'one connection so far');
  const { url, frames } = used[0];
  assert.match(url, /\/ws\?client_type=overlay$/);
  assert.ok(frames.length > 5, `got ${frames.length} frames`);
  assert.equal(frames[0].type, 'snapshot', 'first frame is a snapshot');
  frames.forEach((f, i) => {
    assert.equal(Object.keys(f)[0], 'type', `frame ${i}: type first`);
    assert.equal(f.seq, frames[0].seq + i, `frame ${i}: gap-free seq`);
  });
  const elements = frames.flatMap((f) => (f.type === 'snapshot' ? f.elements : f.element ? [f.element] : []));
  for (const e of elements) {
    for (const [k, t] of Object.entries({ id: 'number', widget_id: 'number', name: 'string', element_type: 'string',
      properties: 'object', behavior: 'object', visible: 'boolean', enabled: 'boolean' })) {
      assert.equal(typeof e[k], t, `${e.name}.${k}`);
    }
    assert.ok(Array.isArray(e.media_details), `${e.name}.media_details`);
  }
  const types = new Set(frames.map((f) => f.type));
  assert.ok(types.has('element_update'));
  assert.ok(types.has('dashboard_activated'));
  for (const f of frames.filter((x) => x.type === 'element_update')) {
    assert.ok(['show', 'hide', 'update', 'delete'].includes(f.action), f.action);
  }
});

test('daemon restart: the page reconnects by itself and shows the same state', { timeout: 60_000 }, async () => {
  const port = daemon.port;
  await daemon.stop();
  await page.waitForSelector('body[data-connected="false"]', { state: 'attached', timeout: 10_000 });
  daemon = await startDaemon(dir, `127.0.0.1:${port}`);
  assert.equal(daemon.port, port);
  await page.waitForSelector('body[data-connected="true"]', { state: 'attached', timeout: 20_000 });
  assert.equal(await page.textContent(`${el('death_count')} .counter-value`), '2');
  assert.equal(await page.getAttribute(`${el('progress_bar')} .progress-fill`, 'data-percent'), '10');
  assert.equal(await page.getAttribute(el('confetti_burst'), 'data-visible'), 'false');
  // And it is live again.
  await execute(widgets.deaths, 'increment_deaths');
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent === '3',
    `${el('death_count')} .counter-value`, { timeout: 5_000 });
});

test('switching dashboards hides the other dashboard\'s widgets and brings them back', T, async () => {
  const brb = await call('POST', '/api/dashboards', { name: 'BRB' }, 201);
  await call('POST', `/api/dashboards/${brb.id}/activate`);
  await page.waitForSelector(`${el('death_count')}[data-visible="false"]`, { state: 'attached', timeout: 5_000 });
  await page.waitForFunction((sel) => document.querySelector(sel).style.display === 'none', el('death_count'), { timeout: 5_000 });
  await call('POST', `/api/dashboards/${dashboardId}/activate`);
  await page.waitForSelector(`${el('death_count')}[data-visible="true"]`, { state: 'attached', timeout: 5_000 });
  assert.equal(await page.textContent(`${el('death_count')} .counter-value`), '3');
  assert.equal(await page.getAttribute('body', 'data-dashboard-id'), String(dashboardId));
});
