// Putting files into the daemon's media library from browser tests: uploads through
// `POST /api/media`, and a short WebM clip recorded in Chromium itself (nothing downloaded).
import assert from 'node:assert/strict';

/** Uploads `bytes` as `name`; resolves with the media record (201 new, 200 known content). */
export async function upload(base, name, bytes, type) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), name);
  const res = await fetch(`${base}/api/media`, { method: 'POST', body: form });
  const body = await res.json();
  assert.ok(res.status === 201 || res.status === 200, `${name}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * A WebM (VP8) clip of `seconds`, recorded from an animated canvas in a page of `browser`:
 * `look` "highlight" (640x360, opaque: a gradient with a title) or "disc" (320x180, a pink disc
 * on a transparent background).
 */
export async function recordClip(browser, seconds, look = 'highlight') {
  const rec = await browser.newPage();
  const b64 = await rec.evaluate(async ([ms, look]) => {
    const c = document.createElement('canvas');
    const [w, h] = look === 'disc' ? [320, 180] : [640, 360];
    c.width = w;
    c.height = h;
    const g = c.getContext('2d');
    let f = 0;
    const draw = look === 'disc'
      ? () => { g.clearRect(0, 0, w, h); g.fillStyle = '#f0c'; g.beginPath(); g.arc(160, 90, 50 + (f++ % 20), 0, 7); g.fill(); }
      : () => {
        const grad = g.createLinearGradient(0, 0, 640, 360);
        grad.addColorStop(0, `hsl(${260 + f * 2}, 70%, 45%)`);
        grad.addColorStop(1, `hsl(${320 + f * 2}, 70%, 35%)`);
        g.fillStyle = grad;
        g.fillRect(0, 0, 640, 360);
        g.fillStyle = '#fff';
        g.font = '900 64px sans-serif';
        g.textAlign = 'center';
        g.fillText('HIGHLIGHT', 320, 170);
        g.font = '700 28px sans-serif';
        g.fillText(`replay · frame ${f++}`, 320, 220);
      };
    draw();
    const recorder = new MediaRecorder(c.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const timer = setInterval(draw, 33);
    recorder.start();
    await new Promise((r) => setTimeout(r, ms));
    const stopped = new Promise((r) => (recorder.onstop = r));
    recorder.stop();
    await stopped;
    clearInterval(timer);
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }, [seconds * 1000, look]);
  await rec.close();
  return Buffer.from(b64, 'base64');
}
