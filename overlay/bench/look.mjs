// The benchmark's busy scene as a picture, to compare the look before/after a performance
// change (node bench/look.mjs out.png; FRAMES_DIST=dir for another bundle). Math.random is
// seeded and every Web Animation is paused at the same time, so two bundles that draw the
// same give (nearly) the same picture; canvas particles still depend on frame timing.
import { addBackdrop, CHROMIUM_ARGS, launchBrowser } from '../e2e/helpers.mjs';
import { startFixture } from '../e2e/fixture-server.mjs';
import { distArgs, routeDist } from './dist-route.mjs';

const out = process.argv[2] || 'look.png';
const element = (id, name, type, properties = {}, behavior = {}) => ({
  id, widget_id: 1, name, element_type: type, properties, behavior, visible: true, enabled: true, media_details: [],
});
const fixture = await startFixture();
const browser = await launchBrowser({ args: distArgs(CHROMIUM_ARGS) });
try {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    let s = 12345;
    Math.random = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  });
  await routeDist(page);
  const next = fixture.nextClient();
  await page.goto(`${fixture.base}/overlay/`);
  const client = await next;
  await addBackdrop(page);
  const loops = ['pulse', 'float', 'shake', 'spin'];
  const looks = [{}, { stroke: true }, { shadow: 'glow', shadow_color: '#7C4DFF' }, { shadow: 'strong' }, { css: { filter: 'drop-shadow(0 10px 24px rgba(0, 0, 0, 0.6))' } }];
  const animated = Array.from({ length: 30 }, (_, i) => element(100 + i, `loop_${i}`, i % 3 === 0 ? 'counter' : 'text',
    { text: `Element ${i}`, value: i, font_size: 28, position: { x: 40 + (i % 6) * 300, y: 60 + Math.floor(i / 6) * 180 }, ...looks[i % 5] },
    { loop: loops[i % 4] }));
  const effects = ['confetti', 'hearts', 'rain', 'fireworks', 'snow'].map((effect, i) =>
    element(10 + i, effect, 'animation', { effect, duration_s: 30, count: 80, particle_count: 150, trigger_id: 1 }, { entrance: 'none' }));
  const canvases = ['sparkles', 'bubbles', 'equalizer'].map((effect, i) =>
    element(20 + i, `c_${effect}`, 'canvas', { effect, position: { x: 1400, y: 80 + i * 320 }, size: { width: 480, height: 280 } }));
  const wheel = element(30, 'wheel', 'animation', { effect: 'spin', segments: ['a', 'b', 'c', 'd', 'e', 'f'], target_segment: 2,
    turns: 20, spin_duration_s: 30, trigger_id: 1, position: { x: 700, y: 300 }, size: { width: 500, height: 500 } });
  const pause = () => page.evaluate(() => document.getAnimations().forEach((a) => { a.pause(); a.currentTime = 700; }));
  // 1. Without the particle effects: deterministic, for a pixel comparison.
  client.snapshot([...animated, wheel]);
  await page.waitForSelector('body[data-connected="true"]');
  await page.waitForTimeout(1000);
  await pause();
  await page.waitForTimeout(100);
  const still = out.replace(/(\.png)?$/, '-still.png');
  await page.screenshot({ path: still });
  // 2. Everything, particles included (they depend on frame timing: compare by eye).
  client.snapshot([...animated, ...effects, ...canvases, wheel]);
  await page.waitForTimeout(1500);
  await pause();
  await page.waitForTimeout(100);
  await page.screenshot({ path: out });
  console.log(`wrote ${still} and ${out}`);
} finally {
  await browser.close();
  await fixture.close();
}
