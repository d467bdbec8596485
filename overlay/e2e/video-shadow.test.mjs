// An opaque video's drop-shadow filter becomes a still box-shadow behind its picture (the
// compositor re-applies a filter on a video every frame); a video with transparency keeps
// the filter, whose shadow follows the picture.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { el, launchBrowser } from './helpers.mjs';
import { startFixture } from './fixture-server.mjs';
import { recordClip } from './media-library.mjs';

let browser;
let fixture;
before(async () => { fixture = await startFixture(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await fixture?.close(); });

/** A WebM whose frames are a pink disc on a transparent background. */
async function alphaClip() {
  const rec = await browser.newPage();
  const b64 = await rec.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 180;
    const g = c.getContext('2d');
    let f = 0;
    const draw = () => { g.clearRect(0, 0, 320, 180); g.fillStyle = '#f0c'; g.beginPath(); g.arc(160, 90, 50 + (f++ % 20), 0, 7); g.fill(); };
    draw();
    const recorder = new MediaRecorder(c.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const t = setInterval(draw, 33);
    recorder.start();
    await new Promise((r) => setTimeout(r, 1500));
    recorder.stop();
    await new Promise((r) => { recorder.onstop = r; });
    clearInterval(t);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  });
  await rec.close();
  return Buffer.from(b64, 'base64');
}

test('drop-shadow on an opaque video is drawn once behind it; a transparent video keeps the filter', { timeout: 60_000 }, async () => {
  const clips = { '/media/opaque.webm': await recordClip(browser, 2), '/media/alpha.webm': await alphaClip() };
  const page = await browser.newPage();
  await page.route('**/media/*.webm', (r) => r.fulfill({ body: clips[new URL(r.request().url()).pathname], contentType: 'video/webm' }));
  const next = fixture.nextClient();
  await page.goto(`${fixture.base}/overlay/`);
  const client = await next;
  const video = (id, name, file, x) => ({
    id, widget_id: 1, name, element_type: 'video', visible: true, enabled: true, behavior: {},
    properties: { muted: true, loop: true, position: { x, y: 100 }, size: { width: 640, height: 640 }, css: { filter: 'drop-shadow(0 10px 24px rgba(0, 0, 0, 0.6))' } },
    media_details: [{ id, role: 'video', url: `/media/${file}`, mime_type: 'video/webm' }],
  });
  client.snapshot([video(1, 'opaque', 'opaque.webm', 40), video(2, 'alpha', 'alpha.webm', 1000)]);
  await page.waitForSelector(`${el('opaque')} .video-shadow`, { state: 'attached', timeout: 15_000 });
  const look = (name) => page.$eval(el(name), (n) => {
    const s = n.querySelector('.video-shadow');
    return { filter: getComputedStyle(n.querySelector('.content')).filter, shadow: s && { left: s.style.left, top: s.style.top, width: s.style.width, height: s.style.height, boxShadow: s.style.boxShadow } };
  });
  // 640x360 picture letterboxed in a 640x640 box: the shadow follows the picture, not the box.
  assert.deepEqual(await look('opaque'), { filter: 'none', shadow: { left: '0px', top: '140px', width: '640px', height: '360px', boxShadow: 'rgba(0, 0, 0, 0.6) 0px 10px 48px' } });
  await page.waitForTimeout(2500);
  const alpha = await look('alpha');
  assert.equal(alpha.shadow, null);
  assert.match(alpha.filter, /^drop-shadow\(/);
  // Another filter (not a lone drop-shadow) is left alone.
  client.update('update', { ...video(1, 'opaque', 'opaque.webm', 40), properties: { ...video(1, 'opaque', 'opaque.webm', 40).properties, css: { filter: 'blur(2px)' } } });
  await page.waitForFunction((sel) => !document.querySelector(`${sel} .video-shadow`), el('opaque'));
  assert.equal((await look('opaque')).filter, 'blur(2px)');
  assert.deepEqual(page.logs.filter((l) => l.includes('pageerror')), []);
  await page.close();
});
