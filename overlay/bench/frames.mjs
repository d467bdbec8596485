// Overlay frame benchmark (node bench/frames.mjs; needs `npm run build`).
// Chromium at 1920x1080 without a GPU (--disable-gpu: Skia raster + the software compositor;
// FRAMES_GPU=swiftshader draws through software GL instead, much slower here) against the
// protocol fixture:
//  1. every effect + 30 elements with loop animations visible: p50/p95/p99 of
//     requestAnimationFrame deltas;
//  2. nothing animating: rAF callbacks the page itself requests per second
//     (goal 0), and the JS heap before/after 10,000 element updates.
// FRAMES_DIST=/path/to/dist loads that bundle instead (bench/dist-route.mjs): copy dist/ aside
// before a change, then run both bundles alternately in one sitting to compare.
import { CHROMIUM_ARGS, SOFTWARE_GL_ARGS, launchBrowser } from '../e2e/helpers.mjs';
import { startFixture } from '../e2e/fixture-server.mjs';
import { distArgs, routeDist } from './dist-route.mjs';

const element = (id, name, type, properties = {}, behavior = {}, visible = true) => ({
  id, widget_id: 1, name, element_type: type, properties, behavior, visible, enabled: true, media_details: [],
});
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const swiftshader = process.env.FRAMES_GPU === 'swiftshader';
console.log(swiftshader ? 'rendering: software GL (SwiftShader)' : 'rendering: --disable-gpu (software raster and compositor)');
const fixture = await startFixture();
const browser = await launchBrowser({ args: distArgs(swiftshader ? SOFTWARE_GL_ARGS : CHROMIUM_ARGS) });
try {
  const page = await browser.newPage();
  // Count the page's own rAF requests (the measuring loop below is not counted).
  await page.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    window.__rafCount = 0;
    window.requestAnimationFrame = (cb) => { window.__rafCount++; return raf(cb); };
    window.__rawRaf = raf;
  });
  await routeDist(page);
  const next = fixture.nextClient();
  await page.goto(`${fixture.base}/overlay/`);
  const client = await next;

  /** rAF deltas over `ms` with the page's own counting bypassed. */
  const frameDeltas = (ms) => page.evaluate((ms) => new Promise((resolve) => {
    const out = [];
    let last = 0;
    const end = performance.now() + ms;
    const step = (t) => {
      if (last) out.push(t - last);
      last = t;
      if (t < end) window.__rawRaf(step); else resolve(out);
    };
    window.__rawRaf(step);
  }), ms);
  client.snapshot([]);
  await page.waitForSelector('body[data-connected="true"]');
  console.log(`particles: ${await page.evaluate(() => document.body.dataset.particles)} backend (effects/new-swarm.ts)`);
  const floor = (await frameDeltas(4000)).sort((a, b) => a - b);

  const loops = ['pulse', 'float', 'shake', 'spin'];
  const animated = Array.from({ length: 30 }, (_, i) => element(100 + i, `loop_${i}`, i % 3 === 0 ? 'counter' : 'text',
    { text: `Element ${i}`, value: i, font_size: 28, position: { x: 40 + (i % 6) * 300, y: 60 + Math.floor(i / 6) * 180 } },
    { loop: loops[i % 4] }));
  const effects = ['confetti', 'hearts', 'rain', 'fireworks', 'snow'].map((effect, i) =>
    element(10 + i, effect, 'animation', { effect, duration_s: 30, count: 80, particle_count: 150, trigger_id: 1 }, { entrance: 'none' }));
  const canvases = ['sparkles', 'bubbles', 'equalizer'].map((effect, i) =>
    element(20 + i, `c_${effect}`, 'canvas', { effect, position: { x: 1400, y: 80 + i * 320 }, size: { width: 480, height: 280 } }));
  const wheel = element(30, 'wheel', 'animation', { effect: 'spin', segments: ['a', 'b', 'c', 'd', 'e', 'f'], target_segment: 2,
    turns: 20, spin_duration_s: 30, trigger_id: 1, position: { x: 700, y: 300 }, size: { width: 500, height: 500 } });
  client.snapshot([...animated, ...effects, ...canvases, wheel]);
  await page.waitForSelector('body[data-connected="true"]');
  await page.waitForTimeout(1500);
  const deltas = await frameDeltas(8000);
  deltas.sort((a, b) => a - b);
  const f = (v) => v.toFixed(2);
  console.log(`busy: ${deltas.length} frames in 8 s; frame time p50 ${f(pct(deltas, 50))} ms, p95 ${f(pct(deltas, 95))} ms, p99 ${f(pct(deltas, 99))} ms`);
  console.log(`floor: the same page with nothing on it, same run: p50 ${f(pct(floor, 50))} ms, p95 ${f(pct(floor, 95))} ms (what this machine's headless Chromium gives at best)`);

  // Idle: hide everything, let exits finish, then count rAF requests for 5 s.
  client.snapshot([...animated, ...effects, ...canvases, wheel].map((e) => ({ ...e, visible: false })));
  await page.waitForTimeout(3000);
  const before = await page.evaluate(() => window.__rafCount);
  await page.waitForTimeout(5000);
  const after = await page.evaluate(() => window.__rafCount);
  console.log(`idle: ${((after - before) / 5).toFixed(1)} animation frames requested per second`);

  // Heap over 10,000 updates of static elements (counter/text changes only).
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await page.evaluate(() => performance.memory.usedJSHeapSize)) / 1048576;
  };
  client.snapshot([element(1, 'n', 'counter', { value: 0 }), element(2, 't', 'text', { text: '0' })]);
  await page.waitForSelector('body[data-connected="true"]');
  for (let i = 0; i < 500; i++) client.update('update', element(1, 'n', 'counter', { value: i }));
  await page.waitForFunction((s) => document.body.dataset.seq === String(s), client.seq);
  const h0 = await heap();
  for (let i = 0; i < 10_000; i++) {
    client.update('update', i % 2 ? element(1, 'n', 'counter', { value: i }) : element(2, 't', 'text', { text: `update ${i}` }));
  }
  await page.waitForFunction((s) => document.body.dataset.seq === String(s), client.seq, { timeout: 60_000 });
  await page.waitForTimeout(1000);
  const h1 = await heap();
  console.log(`heap: ${h0.toFixed(2)} MB before, ${h1.toFixed(2)} MB after 10,000 updates (${(h1 - h0 >= 0 ? '+' : '')}${(h1 - h0).toFixed(2)} MB)`);
} finally {
  await browser.close();
  await fixture.close();
}
