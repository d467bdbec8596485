// Real Chromium against the protocol fixture: every animation effect, canvas
// effect, stack and entrance/exit/loop kind on one page, with screenshots.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { addBackdrop, artifactsDir, el, launchBrowser } from './helpers.mjs';
import { startFixture } from './fixture-server.mjs';

let browser;
let fixture;
before(async () => { fixture = await startFixture(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await fixture?.close(); });

const element = (id, name, type, properties = {}, behavior = {}, extra = {}) => ({
  id, widget_id: extra.widget_id ?? 1, name, element_type: type, properties, behavior,
  visible: extra.visible ?? true, enabled: true, media_details: extra.media ?? [],
});

/** The overlay; `particles` forces a particle backend (effects/new-swarm.ts), else the page picks. */
async function open(particles) {
  const page = await browser.newPage();
  const next = fixture.nextClient();
  await page.goto(`${fixture.base}/overlay/${particles ? `?particles=${particles}` : ''}`);
  const client = await next;
  await addBackdrop(page);
  return [page, client];
}

/**
 * How much of the element's effect is on screen: visible particle nodes (the dom backend) or
 * painted samples of its canvas (the canvas backend).
 */
const shown = (page, name) => page.evaluate((n) => {
  const root = document.querySelector(`.element[data-name="${n}"]`);
  const nodes = [...root.querySelectorAll('.fx-p')].filter((p) => {
    const r = p.getBoundingClientRect();
    return Number(getComputedStyle(p).opacity) > 0.05 && r.right > 0 && r.left < 1920 && r.bottom > 0 && r.top < 1080;
  });
  const c = root.querySelector('canvas');
  let painted = 0;
  if (c) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 64) if (d[i] > 0) painted++;
  }
  return { nodes: nodes.length, painted, running: [...root.querySelectorAll('.fx-p')].filter((p) => p.getAnimations().some((a) => a.playState === 'running')).length };
}, name);

// Without a GPU (these tests) the page draws particles on a canvas; with GPU compositing, as
// in OBS, it flies them as composited nodes. Both backends, every effect.
for (const particles of ['canvas', 'dom']) {
  for (const effect of ['confetti', 'hearts', 'rain', 'fireworks', 'snow']) {
    test(`animation effect "${effect}" (${particles} particles) flies while shown and clears on hide`, async () => {
      const [page, client] = await open(particles);
      assert.equal(await page.evaluate(() => document.body.dataset.particles), particles);
      const props = { effect, duration_s: 3, trigger_id: 1, colors: ['#FF4D7A', '#FFC23C', '#3BA7FF'] };
      const fx = (visible) => element(1, effect, 'animation', props, { entrance: 'none', exit: { type: 'fade', duration: 0.2 } }, { visible });
      client.snapshot([fx(true), element(2, 'caption', 'text', { text: `effect: ${effect}`, font_size: 40, position: { x: 60, y: 960 } })]);
      await page.waitForSelector(`${el(effect)}[data-effect="${effect}"]`);
      const enough = (s) => (particles === 'dom' ? s.nodes > 5 : s.painted > 40);
      for (let i = 0; !enough(await shown(page, effect)); i++) {
        assert.ok(i < 100, `nothing of ${effect} on screen`);
        await page.waitForTimeout(100);
      }
      if (particles === 'dom') {
        // The compositor moves them: no frame callbacks from the page for any of it.
        const s = await shown(page, effect);
        assert.ok(s.running > 5, `${s.running} particles animated`);
      }
      await page.waitForTimeout(effect === 'fireworks' ? 1900 : 900); // let the effect develop for the picture
      assert.ok(enough(await shown(page, effect)));
      await page.screenshot({ path: join(artifactsDir(), `overlay-effect-${effect}${particles === 'dom' ? '-dom' : ''}.png`) });
      client.update('hide', fx(false));
      await page.waitForFunction((n) => document.querySelector(`.element[data-name="${n}"]`).style.display === 'none', effect);
      assert.deepEqual(await shown(page, effect), { nodes: 0, painted: 0, running: 0 }, 'cleared after hide');
      assert.deepEqual(page.logs.filter((l) => l.includes('pageerror')), []);
      await page.close();
    });
  }
}

test('a page without GPU compositing (these tests: --disable-gpu) picks the canvas backend by itself', async () => {
  const [page] = await open();
  assert.equal(await page.evaluate(() => document.body.dataset.particles), 'canvas');
  await page.close();
});

test('effects piled up share the page\'s particle budget; the overlay keeps flying the rest', async () => {
  const [page, client] = await open('dom');
  const fx = (id, effect) => element(id, effect, 'animation', { effect, duration_s: 20, count: 600, particle_count: 1000, intensity: 'high', trigger_id: 1 }, { entrance: 'none' });
  client.snapshot(['confetti', 'hearts', 'rain', 'fireworks', 'snow'].map((e, i) => fx(i + 1, e)));
  await page.waitForFunction(() => document.querySelectorAll('.fx-p').length > 100);
  await page.waitForTimeout(1500);
  const total = await page.evaluate(() => document.querySelectorAll('.fx-p').length);
  assert.ok(total > 100 && total <= 320, `${total} particles on the page (budget 320)`);
  // Every effect got some of it, none was starved by the first.
  for (const e of ['confetti', 'snow']) assert.ok((await page.locator(`${el(e)} .fx-p`).count()) > 0, e);
  await page.close();
});

test('spin wheel lands exactly on the server-chosen segment; unknown effect renders nothing', async () => {
  const [page, client] = await open();
  const segments = ['Hydrate', { label: 'Push-ups', color: '#FF5C8A' }, 'Song request', 'Emote only', 'Giveaway', 'Hard mode'];
  const wheel = (trigger_id, target_segment) => element(1, 'wheel', 'animation', {
    effect: 'spin', segments, target_segment, turns: 3, spin_duration_s: 1.5, trigger_id,
    position: { x: 660, y: 200 }, size: { width: 600, height: 600 },
  }, { entrance: 'pop' });
  client.snapshot([wheel(1, 4), element(2, 'mystery', 'animation', { effect: 'laser-show' })]);
  await page.waitForSelector(`${el('wheel')} .spin[data-state="landed"]`);
  assert.equal(await page.getAttribute(`${el('wheel')} .spin`, 'data-result'), '4');
  assert.equal(await page.getAttribute(el('mystery'), 'data-effect'), 'laser-show');
  assert.equal(await page.locator(`${el('mystery')} canvas, ${el('mystery')} .fx-p`).count(), 0);
  assert.equal(page.logs.filter((l) => l.includes('unknown animation effect "laser-show"')).length, 1);
  await page.screenshot({ path: join(artifactsDir(), 'overlay-effect-spin.png') });
  client.update('update', wheel(2, 1));
  await page.waitForSelector(`${el('wheel')} .spin[data-state="spinning"]`);
  await page.waitForSelector(`${el('wheel')} .spin[data-state="landed"]`);
  assert.equal(await page.getAttribute(`${el('wheel')} .spin`, 'data-result'), '1');
  await page.close();
});

test('stack lays out children in order; canvas effects; entrance/exit/loop kinds', async () => {
  const [page, client] = await open();
  const row = (id, name, order, text, loop) => element(id, name, 'text', {
    text, parent: 'board', order, font_size: 34, position: { x: 999, y: 999 },
    css: { padding: '10px 22px', background: 'rgba(16,21,34,0.72)', borderRadius: '14px' },
  }, { entrance: { type: 'slide', direction: 'left', duration: 0.4, delay: order * 0.1, easing: 'back' }, loop });
  client.snapshot([
    element(1, 'board', 'stack', { direction: 'vertical', gap: 14, align: 'start', position: { x: 80, y: 80 } }),
    row(2, 'r_c', 3, '3. Shake — ThirdPlace', 'shake'),
    row(3, 'r_a', 1, '1. Pulse — TopDonor', 'pulse'),
    row(4, 'r_b', 2, '2. Float — RunnerUp', 'float'),
    element(5, 'sparkle_box', 'canvas', { effect: 'sparkles', count: 60, position: { x: 1300, y: 80 }, size: { width: 520, height: 300 } }),
    element(6, 'eq', 'canvas', { effect: 'equalizer', count: 28, position: { x: 1300, y: 420 }, size: { width: 520, height: 160 } }),
    element(7, 'bubbles', 'canvas', { effect: 'bubbles', position: { x: 1300, y: 620 }, size: { width: 520, height: 300 } }),
    element(8, 'spinner', 'text', { text: '★', font_size: 96, color: '#FFC23C', position: { x: 860, y: 700 } }, { loop: { type: 'spin', duration: 3 } }),
    ...['fade', 'slide', 'scale', 'pop'].map((kind, i) => element(20 + i, `in_${kind}`, 'text',
      { text: kind, font_size: 36, stroke: true, position: { x: 80 + i * 200, y: 900 } },
      { entrance: { type: kind, duration: 0.5, easing: 'smooth' }, exit: { type: kind, duration: 0.4 } })),
  ]);
  await page.waitForSelector(`${el('r_b')}[data-loop="float"]`);
  const names = await page.$$eval(`${el('board')} .content-stack > .element`, (ns) =>
    ns.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((n) => n.dataset.name));
  assert.deepEqual(names, ['r_a', 'r_b', 'r_c']);
  // Measure after the entrance (a slide) has finished; the pulse loop runs forever.
  await page.waitForFunction((sel) => {
    const n = document.querySelector(sel);
    return n && n.getAnimations({ subtree: true })
      .every((a) => a.effect?.getComputedTiming().iterations === Infinity || a.playState === 'finished');
  }, el('r_a'));
  const first = await page.locator(el('r_a')).boundingBox();
  assert.ok(Math.abs(first.x - 80) < 30 && Math.abs(first.y - 80) < 30, 'child x/y ignored inside the stack');
  for (const [name, effect] of [['sparkle_box', 'sparkles'], ['eq', 'equalizer'], ['bubbles', 'bubbles']]) {
    assert.equal(await page.getAttribute(el(name), 'data-effect'), effect);
  }
  await page.waitForTimeout(1000);
  assert.ok((await shown(page, 'eq')).painted > 20);
  await page.screenshot({ path: join(artifactsDir(), 'overlay-stack-loops-canvas.png') });

  // Exit kinds: hide all four; each ends display:none.
  for (let i = 0; i < 4; i++) {
    const kind = ['fade', 'slide', 'scale', 'pop'][i];
    client.update('hide', element(20 + i, `in_${kind}`, 'text', { text: kind }, { exit: { type: kind, duration: 0.3 } }, { visible: false }));
  }
  await page.waitForFunction(() => ['fade', 'slide', 'scale', 'pop'].every((k) => document.querySelector(`.element[data-name="in_${k}"]`).style.display === 'none'));
  // Hidden canvas: no more frames requested for it.
  client.update('hide', element(6, 'eq', 'canvas', { effect: 'equalizer' }, {}, { visible: false }));
  await page.waitForFunction(() => document.querySelector('.element[data-name="eq"]').style.display === 'none');
  assert.deepEqual(page.logs.filter((l) => l.includes('pageerror')), []);
  await page.close();
});
