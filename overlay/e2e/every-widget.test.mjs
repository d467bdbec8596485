// Every widget type at once (issue 11, "What must be shown"), in real Chromium against the real
// daemon: ONE dashboard with one instance of each type `GET /api/widget-types` lists (a new type
// is covered without touching this file), every feature of each executed once with parameters
// built from its FeatureSpec, the overlay DOM checked against the frames the daemon sent
// (docs/protocol.md "Overlay DOM contract"), the wheel's final rotation, the video playing and
// hiding at its end, and screenshots: the whole overlay, each widget alone, the admin's library.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { useDaemonAndBrowser } from './daemon.mjs';
import { addBackdrop, artifactsDir, painted } from './helpers.mjs';
import { ALERTS, createEveryWidget, featureCalls, showingCall, uploadSampleMedia } from './every-widget.mjs';

/**
 * Widget parameters that keep the run short and the screenshots readable; anything not named
 * here is created with its defaults. Each alert widget gets its own queue so that the five play
 * side by side instead of one after another (~70 s in one queue).
 */
function parametersFor(cls, media) {
  if (ALERTS.includes(cls)) return { queue: `every-${cls}`, duration_s: 6 };
  return {
    WheelSpinnerWidget: { spin_duration_s: 2 },
    VideoPlayerWidget: { muted: true },
    ImageSequenceWidget: { images: [media.image.id] },
    // All-time boards only: three rows fit above the ticker in the full screenshot.
    TopSupporterWidget: { scope: 'AllTime' },
  }[cls] ?? {};
}

/**
 * Where a streamer would move some widgets so that the whole overlay reads (every default sits
 * where that widget alone looks best, several of them in the same corner): `[dx, dy]` for each
 * top-level element, and an optional new size per element. Only used for the full screenshot.
 */
const ARRANGE = {
  GoalTrackerWidget: { move: [60, 0] },
  SoundBoardWidget: { move: [-500, 182] },
  DeathCounterWidget: { move: [0, 170] },
  ImageSequenceWidget: { move: [0, 80] },
  PollWidget: { move: [0, 290] },
  VideoPlayerWidget: { move: [160, 125], size: { video: { width: 480, height: 270 } } },
  ImageWidget: { move: [-520, 450], size: { image: { width: 220, height: 220 } } },
  TopSupporterWidget: { move: [0, 690] },
};

async function arrange(call, w) {
  const plan = ARRANGE[w.cls];
  if (!plan) return;
  const full = await call('GET', `/api/widgets/${w.id}`);
  for (const e of full.elements) {
    const pos = e.properties.position;
    if (!pos || e.properties.parent) continue;
    const properties = { position: { ...pos, x: pos.x + plan.move[0], y: pos.y + plan.move[1] } };
    if (plan.size?.[e.name]) properties.size = plan.size[e.name];
    await call('PATCH', `/api/widgets/${w.id}/elements/${e.name}`, { properties });
  }
}

let types = [];
let widgets = []; // {cls, id, name}
let media = {};
let page;
/** Every frame the daemon sent the overlay page, decoded, in order. */
const frames = [];

/** What OBS must have for the ObsSceneWidget's features (every-widget.mjs's sample texts). */
const OBS_SETUP = { scenes: ['Gameplay'], sources: ['Gameplay/Webcam'] };

/** Polls /api/status until `done(status)` holds. */
async function statusUntil(call, done, what) {
  for (let i = 0; i < 300; i++) {
    const s = await call('GET', '/api/status');
    if (done(s)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`status never showed ${what}: ${JSON.stringify((await call('GET', '/api/status')).obs)}`);
}

const t = useDaemonAndBrowser(async (t) => {
  // A real OBS (30.2 in its root file system), so the OBS scene widget switches real scenes.
  await statusUntil(t.call, (s) => s.obs.connected, 'OBS connected');
  types = await t.call('GET', '/api/widget-types');
  media = await uploadSampleMedia(t.daemon.base, t.browser);
  const made = await createEveryWidget(t.call, types, 'Every widget', (cls) => parametersFor(cls, media));
  widgets = made.widgets;
  const dash = made.dash;
  for (const w of widgets) await arrange(t.call, w);
  await t.call('POST', `/api/dashboards/${dash}/activate`);
  page = await t.browser.newPage();
  page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => {
    if (typeof payload !== 'string') frames.push(decode(payload));
  }));
  await page.goto(`${t.daemon.base}/overlay/`);
  await addBackdrop(page);
  await page.waitForSelector('body[data-connected="true"]');
}, { obs: OBS_SETUP });

/** What the frames so far say: element id → its last state (snapshot, then updates). */
function stateFromFrames() {
  const els = new Map();
  for (const f of frames) {
    if (f.type === 'snapshot') {
      els.clear();
      for (const e of f.elements) els.set(e.id, e);
    } else if (f.type === 'element_update') {
      if (f.action === 'delete') els.delete(f.element.id);
      else els.set(f.element.id, f.element);
    }
  }
  return els;
}

const widgetOf = (cls) => widgets.find((w) => w.cls === cls);
const sel = (w, name) => `.element[data-widget-id="${w.id}"][data-name="${name}"]`;
const executed = [];

test('every widget type: one instance each, every feature executed once (200)', { timeout: 30_000 }, async () => {
  assert.ok(types.length >= 23, `the library lists ${types.length} types`);
  for (const type of types) {
    const w = widgetOf(type.widget_class);
    for (const { feature, parameters } of featureCalls(type, media)) {
      const res = await fetch(`${t.daemon.base}/api/widgets/${w.id}/execute`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ feature, parameters }),
      });
      const body = await res.text();
      assert.equal(res.status, 200, `${type.widget_class}.${feature}(${JSON.stringify(parameters)}) -> ${res.status} ${body}`);
      executed.push(`${type.widget_class}.${feature}`);
      if (type.widget_class === 'ObsSceneWidget' && feature === 'switch_scene') {
        // OBS itself switched: its ProgramSceneChanged event reports the new program scene.
        await statusUntil(t.call, (s) => s.obs.current_scene === parameters.scene, `OBS on ${parameters.scene}`);
      }
    }
  }
  const total = types.reduce((n, ty) => n + ty.features.length, 0);
  assert.equal(executed.length, total);
  console.log(`executed ${executed.length} features of ${types.length} widget types (OBS scene features against a real OBS)`);
});

test('the overlay DOM matches the frames: every shown element is on the page, marked visible', { timeout: 20_000 }, async () => {
  // The page applies a frame the moment it arrives; retry until both sides have caught up.
  let mismatches = [];
  for (let attempt = 0; attempt < 30; attempt++) {
    const want = [...stateFromFrames().values()].map((e) => ({
      id: e.id, widget_id: e.widget_id, name: e.name, type: e.element_type, visible: e.visible && e.enabled,
    }));
    const dom = await page.evaluate(() => [...document.querySelectorAll('#stage .element')].map((n) => ({
      id: Number(n.dataset.elementId), widget_id: Number(n.dataset.widgetId), name: n.dataset.name, type: n.dataset.elementType,
      visible: n.dataset.visible === 'true',
      // A video with hide_on_end hides itself locally when it ends (the server still says shown).
      ended: !!n.querySelector('video')?.ended,
    })));
    const byId = new Map(dom.map((d) => [d.id, d]));
    mismatches = [];
    for (const e of want) {
      const d = byId.get(e.id);
      if (!d) { mismatches.push(`${e.widget_id}/${e.name}: missing`); continue; }
      if (d.widget_id !== e.widget_id || d.name !== e.name || d.type !== e.type) mismatches.push(`${e.widget_id}/${e.name}: attributes ${JSON.stringify(d)}`);
      if (d.visible !== e.visible && !(e.type === 'video' && d.ended)) mismatches.push(`${e.widget_id}/${e.name}: data-visible=${d.visible}, frames say ${e.visible}`);
    }
    if (!mismatches.length && want.length) break;
    await page.waitForTimeout(150);
  }
  assert.deepEqual(mismatches, []);
  const shown = [...stateFromFrames().values()].filter((e) => e.visible);
  // Every shown element answers the protocol's selector, and is exactly one node.
  for (const e of shown) {
    const w = widgets.find((x) => x.id === e.widget_id);
    assert.ok(w, `element ${e.name} of an unknown widget ${e.widget_id}`);
  }
  const counts = await page.evaluate((list) => list.map(([wid, name]) =>
    document.querySelectorAll(`.element[data-widget-id="${wid}"][data-name="${name}"]`).length), shown.map((e) => [e.widget_id, e.name]));
  assert.ok(counts.every((n) => n === 1), 'one node per element');
  const showing = new Set(shown.map((e) => e.widget_id));
  console.log(`${shown.length} elements shown, from ${showing.size} of ${widgets.length} widgets; not showing: ${widgets.filter((w) => !showing.has(w.id)).map((w) => w.cls).join(', ')}`);
});

/** Whether `w` has a shown element with a box on the stage. */
const drawsSomething = (w) => page.evaluate((id) => [...document.querySelectorAll(`.element[data-widget-id="${id}"][data-visible="true"]`)]
  .some((n) => { const r = n.getBoundingClientRect(); return r.width > 0 && r.height > 0; }), w.id);

/**
 * A one-shot widget (confetti, an alert, a sound's badge) is over by the end of the run: play its
 * first showing feature again (not counted above) and wait until it is on screen. `replay`: play
 * it again even when something of it is still shown.
 */
async function ensureShowing(w, replay = false) {
  if (!replay && (await drawsSomething(w))) return true;
  const type = types.find((ty) => ty.widget_class === w.cls);
  const again = showingCall(type, media);
  if (!again || !type.elements.length) return false;
  await t.call('POST', `/api/widgets/${w.id}/execute`, again, 200);
  try {
    await page.waitForFunction((id) => [...document.querySelectorAll(`.element[data-widget-id="${id}"][data-visible="true"]`)]
      .some((n) => { const r = n.getBoundingClientRect(); return r.width > 0 && r.height > 0; }), w.id, { timeout: 5_000 });
  } catch {
    return false;
  }
  await page.waitForTimeout(700); // the entrance
  return true;
}

test('the whole overlay', { timeout: 30_000 }, async () => {
  for (const w of widgets) if (w.cls !== 'VideoPlayerWidget' && !(await drawsSomething(w))) await ensureShowing(w);
  await page.waitForTimeout(700);
  // Test-only: one alert on screen. On stream they share a queue and take turns; here each has
  // its own (to keep the run short) and five at once would print over each other.
  const others = widgets.filter((w) => ALERTS.includes(w.cls)).slice(1);
  const style = await page.addStyleTag({ content: others.map((w) => `#stage .element[data-widget-id="${w.id}"]`).join(', ') + ' { visibility: hidden !important; }' });
  await painted(page);
  await page.screenshot({ path: join(artifactsDir(), 'every-widget-overlay.png') });
  await style.evaluate((n) => n.remove());
});

test('the wheel stops on the segment the server picked (its final rotation)', { timeout: 20_000 }, async () => {
  const w = widgetOf('WheelSpinnerWidget');
  const winner = (await t.call('GET', `/api/widgets/${w.id}`)).state.last;
  assert.ok(Number.isInteger(winner), `state.last = ${winner}`);
  await page.locator(`${sel(w, 'wheel')} .spin[data-state="landed"]`).waitFor({ timeout: 10_000 });
  const { angle, segments } = await page.evaluate((s) => {
    const box = document.querySelector(`${s} .spin`);
    // The rotated node: the one whose transform is a rotation.
    const node = [...box.querySelectorAll('*')].find((n) => n.style.transform.startsWith('rotate('));
    const m = new DOMMatrix(getComputedStyle(node).transform);
    return { angle: (Math.atan2(m.b, m.a) * 180) / Math.PI, segments: box.querySelectorAll('text').length };
  }, sel(w, 'wheel'));
  const props = stateFromFrames().get([...stateFromFrames().values()].find((e) => e.widget_id === w.id && e.name === 'wheel').id).properties;
  assert.equal(segments, props.segments.length, 'one label per segment');
  const width = 360 / segments;
  const under = Math.floor((((360 - ((angle % 360) + 360) % 360) % 360)) / width) % segments;
  assert.equal(under, winner, `rotation ${angle.toFixed(2)}° puts segment ${under} under the pointer`);
  assert.equal(await page.locator(`${sel(w, 'wheel')} .spin`).getAttribute('data-result'), String(winner));
});

test('the video plays and hides itself at its end', { timeout: 20_000 }, async () => {
  const w = widgetOf('VideoPlayerWidget');
  const node = sel(w, 'video');
  // It may have ended, or be about to (the clip is 4 s): then play it again for the check.
  const playing = (s) => { const v = document.querySelector(`${s}[data-visible="true"] video`); return !!v && !v.ended && v.currentTime < v.duration - 1.5; };
  if (!(await page.evaluate(playing, node))) {
    await t.call('POST', `/api/widgets/${w.id}/execute`, { feature: 'play_video', parameters: { video_file: media.video.id } });
  }
  await page.waitForFunction((s) => { const v = document.querySelector(`${s}[data-visible="true"] video`); return v && !v.paused && v.currentTime > 0.2; }, node);
  assert.equal(new URL(await page.locator(`${node} video`).getAttribute('src'), t.daemon.base).pathname, new URL(media.video.url, t.daemon.base).pathname);
  await shootWidget(w);
  await page.locator(`${node}[data-visible="false"]`).waitFor({ timeout: 8_000 });
  assert.equal(await page.evaluate((s) => document.querySelector(`${s} video`).ended, node), true);
});

/** Only `w`'s elements drawn (an injected test-only style), clipped to their bounding box. */
async function shootWidget(w) {
  const style = await page.addStyleTag({ content: `#stage .element:not([data-widget-id="${w.id}"]) { visibility: hidden !important; }` });
  try {
    await painted(page);
    const box = await page.evaluate((id) => {
      const rects = [...document.querySelectorAll(`.element[data-widget-id="${id}"][data-visible="true"]`)]
        .map((n) => n.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) return null;
      const x = Math.min(...rects.map((r) => r.left)), y = Math.min(...rects.map((r) => r.top));
      const r = Math.max(...rects.map((r) => r.right)), b = Math.max(...rects.map((r) => r.bottom));
      return { x, y, width: r - x, height: b - y };
    }, w.id);
    if (!box) return false;
    const m = 24;
    const x = Math.max(0, box.x - m), y = Math.max(0, box.y - m);
    const clip = { x, y, width: Math.min(1920 - x, box.width + 2 * m), height: Math.min(1080 - y, box.height + 2 * m) };
    await page.screenshot({ path: join(artifactsDir(), `every-widget-${w.cls}.png`), clip });
    return true;
  } finally {
    await style.evaluate((n) => n.remove());
  }
}

test('a screenshot of each widget alone', { timeout: 90_000 }, async () => {
  const none = [];
  for (const w of widgets) {
    if (w.cls === 'VideoPlayerWidget') continue; // shot while it plays
    // An alert seen still on screen may have ended before its picture: then it plays once more.
    const shot = async (replay) => (await ensureShowing(w, replay)) && (await shootWidget(w));
    if (!(await shot(false)) && !(await shot(true))) none.push(w.cls);
  }
  // A widget without elements (OBS scene switching) has no picture; every other one has.
  const elementless = types.filter((ty) => ty.elements.length === 0).map((ty) => ty.widget_class);
  console.log(`no picture (nothing shown): ${none.join(', ') || 'none'}`);
  assert.deepEqual(none.filter((c) => !elementless.includes(c)), []);
});

test("the admin's Add widget library lists every type with its description and icon", { timeout: 30_000 }, async () => {
  const admin = await t.browser.newPage();
  await admin.setViewportSize({ width: 1400, height: 1000 });
  await admin.goto(`${t.daemon.base}/admin/`);
  await admin.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  await admin.getByRole('button', { name: 'Add widget' }).first().click();
  const library = admin.locator('dialog[open]');
  for (const type of types) {
    const card = library.locator(`[data-widget-class="${type.widget_class}"]`);
    await card.waitFor();
    const text = await card.textContent();
    assert.ok(text.includes(type.display_name), `${type.widget_class} card names it`);
    if (type.description) assert.ok(text.includes(type.description.slice(0, 30)), `${type.widget_class} card has its description`);
    assert.ok(await card.locator('svg, img').count() > 0, `${type.widget_class} card has an icon`);
  }
  // Test-only: the dialog as tall as its list (it scrolls at 960 px), so one picture shows all.
  await admin.setViewportSize({ width: 1400, height: 2600 });
  await admin.addStyleTag({ content: 'dialog[open] { max-height: none !important; }' });
  await admin.waitForTimeout(400);
  await library.screenshot({ path: join(artifactsDir(), 'every-widget-admin-library.png') });
  await admin.close();
});
