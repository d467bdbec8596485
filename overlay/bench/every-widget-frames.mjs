// Frame times with EVERY widget visible and animating on one overlay, against the real daemon
// (node bench/every-widget-frames.mjs; needs the daemon built: cargo build, or STAGEHAND_BIN).
// One dashboard holds one widget of each type /api/widget-types lists, created with long
// durations so that everything keeps moving while it is measured (confetti, fireworks from the
// goal tracker, the wheel spinning, five alerts, the ticker, the slideshow, a looping video,
// timers, the social card rotating); every feature is executed once as in
// e2e/every-widget.test.mjs. For each renderer (Chromium's --disable-gpu software raster and
// compositor, then software GL through SwiftShader as in SOFTWARE_GL_ARGS) it prints
// p50/p95/p99 of requestAnimationFrame deltas over 8 s, and the idle floor of the same run: the
// same page with an empty dashboard active, measured first.
// FRAMES_EACH=gl (or cpu) instead measures each widget type alone on that renderer (2 s each),
// to see which one costs the frames. FRAMES_DIST=/path/to/dist serves that overlay bundle to the
// page instead of the one built into the daemon (bench/dist-route.mjs): before/after a change
// without rebuilding the daemon.
import { rmSync } from 'node:fs';
import { api, newWorkDir, startDaemon } from '../e2e/daemon.mjs';
import { ALERTS, createEveryWidget, featureCalls, uploadSampleMedia } from '../e2e/every-widget.mjs';
import { CHROMIUM_ARGS, SOFTWARE_GL_ARGS, launchBrowser } from '../e2e/helpers.mjs';
import { distArgs, routeDist } from './dist-route.mjs';

const MEASURE_MS = Number(process.env.FRAMES_MS || 8000);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const f1 = (v) => v.toFixed(2);

/** Everything moving for well over the measuring window. */
function parametersFor(cls, media) {
  if (ALERTS.includes(cls)) return { queue: `bench-${cls}`, duration_s: 30 };
  return {
    ConfettiAlertWidget: { blast_duration: 30, particle_count: 200 },
    WheelSpinnerWidget: { spin_duration_s: 20 },
    VideoPlayerWidget: { muted: true, loop_video: true },
    ImageSequenceWidget: { images: [media.image.id], interval: 1 },
    SocialMediaWidget: { interval: 3 },
    SoundBoardWidget: { badge_seconds: 10 },
  }[cls] ?? {};
}

const dir = newWorkDir();
process.env.STAGEHAND__OBS__ENABLED = 'false';
const daemon = await startDaemon(dir);
const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);
try {
  const types = await call('GET', '/api/widget-types');
  const setupBrowser = await launchBrowser();
  const media = await uploadSampleMedia(daemon.base, setupBrowser, 4);
  await setupBrowser.close();
  const empty = (await call('POST', '/api/dashboards', { name: 'Empty', obs_scene: null }, 201)).id;
  const { dash, widgets } = await createEveryWidget(call, types, 'Every widget', (cls) => parametersFor(cls, media));
  console.log(`${types.length} widget types, one instance each; ${MEASURE_MS / 1000} s per measurement; ${process.env.STAGEHAND_BIN || 'target/debug'} daemon`);

  const each = process.env.FRAMES_EACH;
  if (each) {
    const browser = await launchBrowser({ args: distArgs(each === 'gl' ? SOFTWARE_GL_ARGS : CHROMIUM_ARGS) });
    try {
      const page = await browser.newPage();
      await page.addInitScript(() => { window.__rawRaf = window.requestAnimationFrame.bind(window); });
      await routeDist(page);
      await page.goto(`${daemon.base}/overlay/`);
      await page.waitForSelector('body[data-connected="true"]');
      console.log(`each widget alone, ${each === 'gl' ? 'software GL (SwiftShader)' : '--disable-gpu'}: p50 / p95 / p99 ms`);
      for (const type of types) {
        const alone = await createEveryWidget(call, [type], `Only ${type.display_name}`, (cls) => parametersFor(cls, media));
        await call('POST', `/api/dashboards/${alone.dash}/activate`);
        await page.waitForFunction((d) => document.body.dataset.dashboardId === String(d), alone.dash);
        for (const c of featureCalls(type, media)) await call('POST', `/api/widgets/${alone.widgets[0].id}/execute`, c, [200, 503]);
        await page.waitForTimeout(1000);
        const d = await page.evaluate((ms) => new Promise((resolve) => {
          const out = [];
          let last = 0;
          const end = performance.now() + ms;
          const step = (t) => { if (last) out.push(t - last); last = t; if (t < end) window.__rawRaf(step); else resolve(out); };
          window.__rawRaf(step);
        }), 2000);
        d.sort((a, b) => a - b);
        console.log(`  ${type.widget_class.padEnd(24)} ${f1(pct(d, 50))} / ${f1(pct(d, 95))} / ${f1(pct(d, 99))}`);
      }
    } finally {
      await browser.close();
    }
  }
  for (const [label, args] of each ? [] : [['--disable-gpu (software raster and compositor)', CHROMIUM_ARGS], ['software GL (SwiftShader)', SOFTWARE_GL_ARGS]]) {
    await call('POST', `/api/dashboards/${empty}/activate`);
    const browser = await launchBrowser({ args: distArgs(args) });
    try {
      const page = await browser.newPage();
      await page.addInitScript(() => { window.__rawRaf = window.requestAnimationFrame.bind(window); });
      await routeDist(page);
      await page.goto(`${daemon.base}/overlay/`);
      await page.waitForSelector('body[data-connected="true"]');
      console.log(`  particles: ${await page.evaluate(() => document.body.dataset.particles)} backend`);
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
      await page.waitForTimeout(1000);
      const floor = (await frameDeltas(4000)).sort((a, b) => a - b);

      await call('POST', `/api/dashboards/${dash}/activate`);
      await page.waitForFunction((d) => document.body.dataset.dashboardId === String(d), dash);
      let executed = 0;
      for (const type of types) {
        const w = widgets.find((x) => x.cls === type.widget_class);
        for (const c of featureCalls(type, media)) {
          await call('POST', `/api/widgets/${w.id}/execute`, c, [200, 503]); // 503: OBS features, no OBS here
          executed++;
        }
      }
      await page.waitForTimeout(1500);
      const during = await page.evaluate(() => ({
        shown: document.querySelectorAll('#stage .element[data-visible="true"]').length,
        widgets: new Set([...document.querySelectorAll('#stage .element[data-visible="true"]')].map((n) => n.dataset.widgetId)).size,
        animations: document.getAnimations().filter((a) => a.playState === 'running').length,
      }));
      const deltas = (await frameDeltas(MEASURE_MS)).sort((a, b) => a - b);
      const after = await page.evaluate(() => document.getAnimations().filter((a) => a.playState === 'running').length);
      console.log(`\nrendering: ${label}`);
      console.log(`  ${executed} features executed; ${during.shown} elements of ${during.widgets} widgets shown, ${during.animations} Web Animations running at the start (${after} at the end), plus canvas effects`);
      console.log(`  every widget: ${deltas.length} frames in ${MEASURE_MS / 1000} s; frame time p50 ${f1(pct(deltas, 50))} ms, p95 ${f1(pct(deltas, 95))} ms, p99 ${f1(pct(deltas, 99))} ms`);
      console.log(`  idle floor (empty dashboard, same page, same run): ${floor.length} frames in 4 s; p50 ${f1(pct(floor, 50))} ms, p95 ${f1(pct(floor, 95))} ms, p99 ${f1(pct(floor, 99))} ms`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await daemon.stop();
  rmSync(dir, { recursive: true, force: true });
}
