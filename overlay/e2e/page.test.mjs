// Browser tests of the overlay page against the protocol fixture (no daemon):
// every element type, differential updates, gap/resync, malformed frames,
// reconnect. Needs `npm run build` first (it serves dist/).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addBackdrop, artifactsDir, el, launchBrowser, OVERLAY_DIR } from './helpers.mjs';
import { startFixture } from './fixture-server.mjs';

let browser;
let fixture;

function element(id, name, type, props = {}, extra = {}) {
  return {
    id, widget_id: extra.widget_id ?? 1, name, element_type: type, properties: props,
    behavior: extra.behavior ?? { entrance: { type: 'fade', duration: 0.2 }, exit: { type: 'fade', duration: 0.2 } },
    visible: extra.visible ?? true, enabled: extra.enabled ?? true, media_details: extra.media ?? [],
  };
}

/** Opens the overlay and returns [page, client] once the socket is up. */
async function open(query = '') {
  const page = await browser.newPage();
  const next = fixture.nextClient();
  await page.goto(`${fixture.base}/overlay/${query}`);
  const client = await next;
  return [page, client];
}

const attr = (page, sel, name) => page.getAttribute(sel, name);

before(async () => {
  assert.ok(existsSync(join(OVERLAY_DIR, 'dist/overlay/index.html')), 'run `npm run build` before the e2e tests');
  fixture = await startFixture();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await fixture?.close();
});

test('snapshot renders every element type with the DOM contract', async () => {
  const [page, client] = await open('?instance=main-scene');
  assert.equal(client.url.searchParams.get('client_type'), 'overlay');
  assert.equal(client.url.searchParams.get('instance'), 'main-scene');
  assert.equal(await attr(page, 'body', 'data-connected'), 'false');

  client.snapshot([
    element(1, 'title', 'text', { text: '<b>not bold</b>', font_size: 40, position: { x: 10, y: 20, z_index: 3 } }),
    element(2, 'deaths', 'counter', { value: 7, label: 'Deaths' }),
    element(3, 'pic', 'image', {}, { media: [{ id: 1, role: 'image', url: '/media/bar.svg', mime_type: 'image/svg+xml' }] }),
    element(4, 'bare_image', 'image'),
    element(5, 'sound', 'audio', {}, { visible: false }),
    element(6, 'clip', 'video'),
    element(7, 'clock', 'timer', { mode: 'countdown', duration_s: 90 }),
    element(8, 'burst', 'animation', { animation: 'confetti' }, { visible: false }),
    element(9, 'paint', 'canvas', { effect: 'sparkles', size: { width: 320, height: 200 } }),
    element(10, 'future', 'hologram'),
    element(11, 'off_dashboard', 'text', { text: 'hidden' }, { enabled: false }),
  ]);
  await page.waitForSelector('body[data-connected="true"]');
  assert.equal(await attr(page, 'body', 'data-seq'), '1');
  assert.equal(await page.locator('.element').count(), 11);

  const title = page.locator(el('title'));
  assert.equal(await title.getAttribute('data-element-id'), '1');
  assert.equal(await title.getAttribute('data-widget-id'), '1');
  assert.equal(await title.getAttribute('data-element-type'), 'text');
  assert.equal(await title.getAttribute('data-visible'), 'true');
  assert.equal(await title.textContent(), '<b>not bold</b>', 'text goes through textContent');
  assert.equal(await page.locator(`${el('title')} b`).count(), 0);
  const box = await title.boundingBox();
  assert.deepEqual([box.x, box.y], [10, 20]);

  assert.equal(await page.textContent(`${el('deaths')} .counter-value`), '7');
  assert.equal(await page.textContent(`${el('deaths')} .counter-label`), 'Deaths');
  await page.waitForFunction(() => document.querySelector('.element[data-name="pic"] img')?.complete);
  assert.equal(await page.locator(`${el('bare_image')} img`).count(), 0, 'no media, nothing rendered');
  assert.equal(await page.locator(`${el('clip')} video`).count(), 0);
  assert.equal(await page.textContent(`${el('clock')} .timer-value`), '01:30');
  assert.equal(await page.locator(`${el('paint')} canvas`).getAttribute('width'), '320');
  assert.equal(await attr(page, el('paint'), 'data-effect'), 'sparkles');
  assert.equal(await attr(page, el('burst'), 'data-effect'), 'confetti');
  assert.equal(await attr(page, el('future'), 'data-element-type'), 'hologram');
  assert.equal(await attr(page, el('sound'), 'data-visible'), 'false');
  assert.equal(await attr(page, el('off_dashboard'), 'data-visible'), 'false', 'shown only when enabled');
  assert.equal(await page.locator(el('off_dashboard')).isVisible(), false);

  const bg = await page.evaluate(() => [getComputedStyle(document.documentElement).backgroundColor,
    getComputedStyle(document.body).backgroundColor, document.documentElement.scrollWidth]);
  assert.deepEqual(bg, ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)', 1920]);
  assert.deepEqual(page.logs.filter((l) => l.includes('pageerror')), []);
  await page.close();
});

test('updates are applied in place; snapshots are differential; delete removes', async () => {
  const [page, client] = await open();
  client.snapshot([element(1, 'a', 'text', { text: 'one' }), element(2, 'b', 'counter', { value: 1 })]);
  await page.waitForSelector('body[data-connected="true"]');
  // Tag the DOM nodes: they must survive updates and snapshots (no re-render).
  await page.evaluate(() => document.querySelectorAll('.element').forEach((n) => { n.__tag = n.dataset.name; }));

  client.update('update', element(1, 'a', 'text', { text: 'two', color: '#ff0' }));
  await page.waitForFunction(() => document.querySelector('.element[data-name="a"]').textContent === 'two');
  assert.equal(await page.$eval(el('a'), (n) => n.__tag), 'a');
  assert.equal(await page.$eval(`${el('a')} .content`, (n) => n.style.color), 'rgb(255, 255, 0)');

  client.update('update', element(2, 'b', 'counter', { value: 2 }));
  await page.waitForFunction(() => document.querySelector('.element[data-name="b"] .counter-value').textContent === '2');

  client.snapshot([element(2, 'b', 'counter', { value: 5 }), element(3, 'c', 'text', { text: 'new' })]);
  await page.waitForSelector(el('c'));
  assert.equal(await page.locator(el('a')).count(), 0, 'element missing from the snapshot is removed');
  assert.equal(await page.$eval(el('b'), (n) => n.__tag), 'b', 'existing node kept');
  await page.waitForFunction(() => document.querySelector('.element[data-name="b"] .counter-value').textContent === '5');

  client.update('delete', element(3, 'c', 'text'));
  await page.waitForFunction(() => !document.querySelector('.element[data-name="c"]'));
  assert.equal(await page.locator('.element').count(), 1);
  await page.close();
});

test('hide flips data-visible at once and ends with display:none after the exit', async () => {
  const [page, client] = await open();
  const behavior = { entrance: { type: 'pop', duration: 0.3 }, exit: { type: 'slide', duration: 0.6 } };
  client.snapshot([element(1, 'banner', 'text', { text: 'Hi' }, { visible: false, behavior })]);
  await page.waitForSelector('body[data-connected="true"]');
  assert.equal(await page.locator(el('banner')).isVisible(), false);

  client.update('show', element(1, 'banner', 'text', { text: 'Hi' }, { behavior }));
  await page.waitForSelector(`${el('banner')}[data-visible="true"]`);
  assert.equal(await page.locator(el('banner')).isVisible(), true);

  client.update('hide', element(1, 'banner', 'text', { text: 'Hi' }, { visible: false, behavior }));
  await page.waitForSelector(`${el('banner')}[data-visible="false"]`, { state: 'attached' });
  assert.equal(await page.$eval(el('banner'), (n) => n.style.display), '', 'still animating out');
  await page.waitForFunction(() => document.querySelector('.element[data-name="banner"]').style.display === 'none');

  // Hide then show again quickly: the stale exit must not hide it.
  client.update('show', element(1, 'banner', 'text', { text: 'Hi' }, { behavior }));
  client.update('hide', element(1, 'banner', 'text', { text: 'Hi' }, { visible: false, behavior }));
  client.update('show', element(1, 'banner', 'text', { text: 'Hi' }, { behavior }));
  await page.waitForTimeout(900);
  assert.equal(await page.locator(el('banner')).isVisible(), true);
  await page.close();
});

test('a seq gap sends {type:"resync"} and ignores frames until the next snapshot', async () => {
  const [page, client] = await open();
  client.snapshot([element(1, 'n', 'counter', { value: 1 })]);
  await page.waitForSelector('body[data-connected="true"]');
  client.update('update', element(1, 'n', 'counter', { value: 2 })); // seq 2
  await page.waitForSelector('body[data-seq="2"]');

  client.send({ type: 'element_update', seq: 4, action: 'update', element: element(1, 'n', 'counter', { value: 99 }) });
  const resync = await client.waitFor((m) => m.type === 'resync');
  assert.deepEqual(resync, { type: 'resync' });
  client.send({ type: 'element_update', seq: 5, action: 'update', element: element(1, 'n', 'counter', { value: 98 }) });
  await page.waitForTimeout(200);
  assert.equal(await page.getAttribute(`${el('n')} .counter-value`, 'data-value'), '2', 'frames after a gap are not applied');
  assert.equal(await attr(page, 'body', 'data-seq'), '2');

  client.send({ type: 'snapshot', seq: 6, active_dashboard_id: 1, elements: [element(1, 'n', 'counter', { value: 42 })] });
  await page.waitForSelector('body[data-seq="6"]');
  await page.waitForFunction(() => document.querySelector('.element[data-name="n"] .counter-value').textContent === '42');
  client.update('update', element(1, 'n', 'counter', { value: 43 })); // seq 7
  await page.waitForFunction(() => document.querySelector('.element[data-name="n"] .counter-value').textContent === '43');
  assert.equal(client.received.filter((m) => m.type === 'resync').length, 1, 'one resync per gap');
  await page.close();
});

test('malformed frames are logged and skipped; rendering continues', async () => {
  const [page, client] = await open();
  client.snapshot([element(1, 'n', 'counter', { value: 1 })]);
  await page.waitForSelector('body[data-connected="true"]');

  client.sendRaw([0xc1, 0xff, 0x00]); // not MessagePack
  client.send({ type: 'element_update', action: 'update', element: { id: 'nope' } }); // seq 2, bad element
  client.send({ type: 'obs_status', connected: true }); // seq 3, unknown type
  client.send({ type: 'element_update', action: 'update', element: element(1, 'n', 'counter', { value: 'NaN', css: 5, position: 'x' }) }); // seq 4
  client.send({ type: 'element_update', action: 'update', element: element(1, 'n', 'counter', { value: 3 }) }); // seq 5
  await page.waitForSelector('body[data-seq="5"]');
  await page.waitForFunction(() => document.querySelector('.element[data-name="n"] .counter-value').textContent === '3');
  assert.equal(client.received.filter((m) => m.type === 'resync').length, 0, 'counted frames are no gap');
  assert.ok(page.logs.some((l) => l.includes('malformed frame')), 'malformed frame was logged');
  assert.deepEqual(page.logs.filter((l) => l.includes('pageerror')), []);
  await page.close();
});

test('counter, timer and progress bar render their values', async () => {
  const [page, client] = await open();
  const now = Date.now();
  client.snapshot([
    element(1, 'up', 'timer', { mode: 'countup', started_at_ms: now - 65_000 }),
    element(2, 'paused', 'timer', { mode: 'countdown', duration_s: 600, started_at_ms: now - 100_000, paused_at_ms: now - 40_000 }),
    element(3, 'long', 'timer', { mode: 'countup', started_at_ms: now - 3_725_000, paused_at_ms: now }),
    element(4, 'goal', 'image', { progress: { percent: 25, color: '#00ff88', label: '$125 / $500' }, size: { width: 800, height: 40 } }),
    element(5, 'goal_img', 'image', { progress: { percent: 60 }, size: { width: 400, height: 40 } },
      { media: [{ id: 2, role: 'image', url: '/media/bar.svg', mime_type: 'image/svg+xml' }] }),
  ]);
  await page.waitForSelector('body[data-connected="true"]');
  assert.match(await page.textContent(`${el('up')} .timer-value`), /^01:0[5-9]$/);
  assert.equal(await page.textContent(`${el('paused')} .timer-value`), '09:00');
  assert.equal(await page.textContent(`${el('long')} .timer-value`), '1:02:05');
  const t0 = await page.textContent(`${el('up')} .timer-value`);
  await page.waitForFunction((t) => document.querySelector('.element[data-name="up"] .timer-value').textContent !== t, t0);

  assert.equal(await attr(page, `${el('goal')} .progress-fill`, 'data-percent'), '25');
  assert.equal(await page.textContent(`${el('goal')} .progress-label`), '$125 / $500');
  client.update('update', element(4, 'goal', 'image', { progress: { percent: 50, color: '#00ff88' }, size: { width: 800, height: 40 } }));
  await page.waitForSelector(`${el('goal')} .progress-fill[data-percent="50"]`);
  // The CSS width transition ends at half the track.
  await page.waitForFunction(() => Math.abs(document.querySelector('.element[data-name="goal"] .progress-fill').getBoundingClientRect().width - 400) < 1);
  assert.match(await page.$eval(`${el('goal_img')} .progress-fill`, (n) => n.style.backgroundImage), /bar\.svg/);
  await page.close();
});

test('audio plays on show and on re-trigger, stops on hide', async () => {
  const [page, client] = await open();
  const media = [{ id: 5, role: 'audio', url: '/media/beep.wav', mime_type: 'audio/wav' }];
  const sound = (visible, trigger_id) => element(1, 'sfx', 'audio', { volume: 0.5, trigger_id }, { visible, media });
  const audio = `${el('sfx')} audio`;
  client.snapshot([sound(false, 0)]);
  await page.waitForSelector('body[data-connected="true"]');
  assert.equal(await page.$eval(audio, (a) => a.paused), true);
  assert.equal(await page.$eval(audio, (a) => a.preload), 'auto', 'media is loaded up front');

  client.update('show', sound(true, 1));
  await page.waitForFunction((sel) => {
    const a = document.querySelector(sel);
    return !a.paused && a.currentTime > 0.05;
  }, audio);
  assert.equal(await page.$eval(audio, (a) => a.volume), 0.5);

  // A new trigger_id while shown rewinds (a seek to 0) and keeps playing.
  await page.$eval(audio, (a) => { window.__seeks = 0; a.addEventListener('seeking', () => { window.__seeks++; }); });
  client.update('update', sound(true, 2));
  await page.waitForFunction((sel) => window.__seeks >= 1 && !document.querySelector(sel).paused, audio);
  // An update that keeps trigger_id does not restart it.
  client.update('update', element(1, 'sfx', 'audio', { volume: 0.4, trigger_id: 2 }, { media }));
  await page.waitForFunction((sel) => document.querySelector(sel).volume === 0.4, audio);
  assert.equal(await page.evaluate(() => window.__seeks), 1);

  client.update('hide', sound(false, 2));
  await page.waitForFunction((sel) => document.querySelector(sel).paused, audio);
  client.update('delete', sound(false, 2));
  await page.waitForFunction(() => !document.querySelector('audio'));
  await page.close();
});

test('confetti flies while shown, in the colour asked for, replays on trigger, clears on hide', async () => {
  // The composited-node backend, as in OBS with a GPU: each particle's colour can be read.
  const [page, client] = await open('?particles=dom');
  await addBackdrop(page);
  const burst = (visible, trigger_id) => element(1, 'confetti_burst', 'animation', {
    animation: 'confetti', intensity: 'High', particle_count: 40, colors: ['#FF0000'], duration_s: 2, trigger_id,
  }, { visible, behavior: { entrance: { type: 'none' }, exit: { type: 'fade', duration: 0.3 } } });
  client.snapshot([burst(false, 0)]);
  await page.waitForSelector('body[data-connected="true"]');
  const sel = `${el('confetti_burst')} .fx-p`;
  assert.equal(await page.locator(sel).count(), 0, 'nothing before the first show');

  /** Particles on screen now, and the set of their colours. */
  const flying = () => page.$$eval(sel, (nodes) => {
    const shown = nodes.filter((n) => Number(getComputedStyle(n).opacity) > 0.05);
    return { n: shown.length, colors: [...new Set(shown.map((n) => getComputedStyle(n).backgroundColor))].sort() };
  });
  client.update('show', burst(true, 1));
  await page.waitForSelector(`${el('confetti_burst')}[data-visible="true"]`);
  await page.waitForTimeout(700);
  const first = await flying();
  assert.ok(first.n > 50, `${first.n} particles in the air`);
  // Red and its lighter and darker shades (confetti-plan.ts), nothing else.
  for (const c of first.colors) assert.ok(['rgb(255, 0, 0)', 'rgb(255, 89, 89)', 'rgb(191, 0, 0)'].includes(c), c);
  await page.screenshot({ path: join(artifactsDir(), 'overlay-fixture-confetti.png') });

  const before = await page.locator(sel).count();
  client.update('update', burst(true, 2));
  await page.waitForFunction(([s, n]) => document.querySelectorAll(s).length > n, [sel, before]);

  client.update('hide', burst(false, 2));
  await page.waitForFunction(() => document.querySelector('.element[data-name="confetti_burst"]').style.display === 'none');
  assert.equal(await page.locator(sel).count(), 0, 'cleared after hide');
  await page.close();
});

test('reconnects with backoff after the server drops, and resumes from a new snapshot', async () => {
  const [page, client] = await open();
  client.snapshot([element(1, 'a', 'text', { text: 'before' })]);
  await page.waitForSelector('body[data-connected="true"]');
  await page.evaluate(() => { document.querySelector('.element[data-name="a"]').__tag = 'kept'; });

  const next = fixture.nextClient();
  client.kill();
  await page.waitForSelector('body[data-connected="false"]');
  const again = await next;
  // Frames before the snapshot of a new connection are ignored.
  again.send({ type: 'element_update', seq: 1, action: 'update', element: element(1, 'a', 'text', { text: 'too early' }) });
  again.send({ type: 'snapshot', seq: 2, active_dashboard_id: 1, elements: [element(1, 'a', 'text', { text: 'after' })] });
  await page.waitForSelector('body[data-connected="true"]');
  assert.equal(await page.textContent(el('a')), 'after');
  assert.equal(await page.$eval(el('a'), (n) => n.__tag), 'kept', 'same node, updated in place');

  // A server that never sends a snapshot is abandoned and retried.
  const third = fixture.nextClient();
  again.close();
  const silent = await third;
  const fourth = fixture.nextClient(20_000);
  await fourth; // the page gave up on `silent` after its snapshot timeout
  assert.ok(silent.closed);
  await page.close();
});

test('churn: many elements created, updated and removed leave no nodes, media or timers behind', async () => {
  const page = await browser.newPage();
  // Count live intervals/timeouts from the page's own code.
  await page.addInitScript(() => {
    const live = new Set();
    const { setInterval: si, clearInterval: ci, setTimeout: st, clearTimeout: ct } = window;
    window.setInterval = (fn, ms, ...a) => { const id = si(fn, ms, ...a); live.add(`i${id}`); return id; };
    window.clearInterval = (id) => { live.delete(`i${id}`); ci(id); };
    window.setTimeout = (fn, ms, ...a) => {
      const id = st((...b) => { live.delete(`t${id}`); fn(...b); }, ms, ...a);
      live.add(`t${id}`);
      return id;
    };
    window.clearTimeout = (id) => { live.delete(`t${id}`); ct(id); };
    window.__liveTimers = () => [...live];
  });
  const next = fixture.nextClient();
  await page.goto(`${fixture.base}/overlay/`);
  const client = await next;
  client.snapshot([]);
  await page.waitForSelector('body[data-connected="true"]');
  const baseline = await page.evaluate(() => document.getElementsByTagName('*').length);

  const now = Date.now();
  const media = {
    image: [{ id: 1, role: 'image', url: '/media/bar.svg', mime_type: 'image/svg+xml' }],
    audio: [{ id: 2, role: 'audio', url: '/media/beep.wav', mime_type: 'audio/wav' }],
  };
  const make = (id, round) => {
    const kind = ['text', 'counter', 'image', 'audio', 'timer', 'animation', 'canvas', 'video', 'image'][id % 9];
    const props = {
      text: { text: `t${round}` }, counter: { value: round }, timer: { mode: 'countup', started_at_ms: now },
      animation: { animation: 'confetti', particle_count: 10, duration_s: 5, trigger_id: round },
      image: id % 2 ? { progress: { percent: round * 10 } } : {},
    }[kind] ?? {};
    return element(id, `e${id}`, kind, props, { media: media[kind] ?? [], behavior: {} });
  };
  for (let round = 0; round < 4; round++) {
    client.snapshot(Array.from({ length: 45 }, (_, i) => make(i + round * 100, round)));
    for (let i = 0; i < 45; i++) client.update('update', make(i + round * 100, round + 1));
    for (let i = 0; i < 45; i += 3) client.update('delete', make(i + round * 100, round));
  }
  client.snapshot([]);
  await page.waitForFunction(() => document.querySelectorAll('.element').length === 0);
  await page.waitForTimeout(800); // let any exit timers run out
  assert.equal(await page.evaluate(() => document.getElementsByTagName('*').length), baseline);
  assert.equal(await page.evaluate(() => document.querySelectorAll('audio, video, img, canvas').length), 0);
  // Only the connection's keepalive interval (and maybe its watchdog) remain.
  const timers = await page.evaluate(() => window.__liveTimers());
  assert.ok(timers.filter((t) => t.startsWith('i')).length <= 1, `live intervals: ${timers}`);
  assert.ok(timers.length <= 2, `live timers: ${timers}`);
  assert.deepEqual(page.logs.filter((l) => l.includes('pageerror')), []);
  await page.close();
});

test('showcase screenshot of the element types', async () => {
  const [page, client] = await open();
  await addBackdrop(page);
  const now = Date.now();
  client.snapshot([
    element(1, 'headline', 'text', { text: 'Thanks for the follow, PixelPanda!', font_size: 56, stroke: true,
      position: { x: 80, y: 70 } }),
    element(2, 'subline', 'text', { text: 'Road to 1,000 followers', font_size: 30, color: '#9be7ff',
      position: { x: 84, y: 150 } }),
    element(3, 'death_count', 'counter', { value: 13, label: 'Deaths', font_size: 72, position: { x: 80, y: 260 } }),
    element(4, 'wins', 'counter', { value: 4, label: 'Wins', suffix: ' / 10', color: '#ffd54a', position: { x: 80, y: 370 } }),
    element(5, 'break_timer', 'timer', { mode: 'countdown', duration_s: 300, started_at_ms: now - 62_000, paused_at_ms: now,
      position: { x: 1560, y: 60 } }),
    element(6, 'goal_text', 'text', { text: 'Donation goal: new mic', font_size: 32, position: { x: 560, y: 880 },
      size: { width: 800 }, align: 'center' }),
    element(7, 'progress_bar', 'image', { progress: { percent: 62, color: '#18d8a8', label: '$310 / $500' },
      position: { x: 560, y: 930 }, size: { width: 800, height: 48 } }),
    element(8, 'hype', 'image', { progress: { percent: 80, label: 'HYPE' }, position: { x: 1500, y: 200 },
      size: { width: 360, height: 34 } }, { media: [{ id: 2, role: 'image', url: '/media/bar.svg', mime_type: 'image/svg+xml' }] }),
  ]);
  await page.waitForSelector('body[data-connected="true"]');
  await page.waitForTimeout(1200); // entrance + bar transitions
  await page.screenshot({ path: join(artifactsDir(), 'overlay-showcase.png') });
  await page.close();
});
