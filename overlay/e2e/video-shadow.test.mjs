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

test('drop-shadow on an opaque video is drawn once behind it; a transparent video keeps the filter', { timeout: 60_000 }, async () => {
  const clips = { '/media/opaque.webm': await recordClip(browser, 2), '/media/alpha.webm': await recordClip(browser, 1.5, 'disc') };
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
