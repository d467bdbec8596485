// Media preload benchmark (node bench/media-ready.mjs; STAGEHAND_BIN=../target/release/stagehand).
// A real daemon with 10 ConfettiAlertWidgets, each with its own uploaded PNG sprite and WAV pop
// (20 media-bearing elements, 20 distinct files), and a fresh Chromium per round, as when OBS
// starts: time from navigation start to the snapshot applied, and to every media file ready
// (body[data-media-pending] back to 0 with all 20 fetched).
import { rmSync } from 'node:fs';
import { api, newWorkDir, startDaemon } from '../e2e/daemon.mjs';
import { launchBrowser } from '../e2e/helpers.mjs';
import { png, wav } from '../e2e/media-files.mjs';

const WIDGETS = 10;
const ROUNDS = 7;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const dir = newWorkDir();
process.env.STAGEHAND__OBS__ENABLED = 'false';
process.env.STAGEHAND__TWITCH__ENABLED = 'false';
const daemon = await startDaemon(dir);
const call = (method, path, body) => api(daemon.base, method, path, body);

async function upload(name, bytes, type) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${daemon.base}/api/media`, { method: 'POST', body: form });
  if (res.status !== 201 && res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  return res.json();
}

try {
  const d = await call('POST', '/api/dashboards', { name: 'Media bench' });
  await call('POST', `/api/dashboards/${d.id}/activate`);
  let bytes = 0;
  for (let i = 0; i < WIDGETS; i++) {
    const w = await call('POST', '/api/widgets', { widget_class: 'ConfettiAlertWidget', name: `Confetti ${i}`, dashboard_ids: [d.id] });
    const image = png(384, 20 * i);
    const sound = wav(2, 300 + 40 * i);
    bytes += image.length + sound.length;
    const sprite = await upload(`sprite-${i}.png`, image, 'image/png');
    const pop = await upload(`pop-${i}.wav`, sound, 'audio/wav');
    await call('PATCH', `/api/widgets/${w.id}/elements/confetti_particle`, { media: { image: sprite.id } });
    await call('PATCH', `/api/widgets/${w.id}/elements/pop_sound`, { media: { audio: pop.id } });
  }
  console.log(`stagehand overlay media preload (${WIDGETS * 2} media-bearing elements, ${(bytes / 1048576).toFixed(1)} MB of media, fresh Chromium per round)\n`);

  const snapshot = [];
  const ready = [];
  for (let round = 0; round < ROUNDS; round++) {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${daemon.base}/overlay/`, { waitUntil: 'commit' });
      const t = await page.waitForFunction((n) => {
        const b = document.body;
        if (!b || b.dataset.connected !== 'true') return false;
        window.__snapshotAt ??= performance.now();
        const fetched = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/media/'));
        const urls = new Set(fetched.map((e) => new URL(e.name).pathname));
        if (b.dataset.mediaPending !== '0' || urls.size < n) return false;
        return { snapshot: window.__snapshotAt, ready: performance.now() };
      }, WIDGETS * 2, { polling: 2, timeout: 60_000 });
      const v = await t.jsonValue();
      snapshot.push(v.snapshot);
      ready.push(v.ready);
    } finally {
      await browser.close();
    }
  }
  const f = (v) => v.toFixed(0);
  const show = (label, xs) => {
    const s = [...xs].sort((a, b) => a - b);
    console.log(`${label}: p50 ${f(pct(s, 50))} ms, min ${f(s[0])} ms, max ${f(s[s.length - 1])} ms (${s.length} rounds)`);
  };
  show('page load → snapshot applied', snapshot);
  show('page load → all 20 media ready', ready);
} finally {
  await daemon.stop();
  rmSync(dir, { recursive: true, force: true });
}
