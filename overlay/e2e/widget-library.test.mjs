// The widget library (issue 11) in real Chromium against the real daemon: one dashboard with
// one instance of each library widget, every feature executed once through the REST API, the
// overlay DOM checked (docs/protocol.md "Overlay DOM contract"), a screenshot per widget and
// one of the whole overlay in tests/artifacts/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { artifactsDir } from './helpers.mjs';
import { recordClip as recordWebm, upload as uploadMedia } from './media-library.mjs';
import { png, wav } from './media-files.mjs';

const WIDGETS = {
  ticker: { widget_class: 'TextTickerWidget', name: 'Ticker' },
  social: { widget_class: 'SocialMediaWidget', name: 'Socials', widget_parameters: { accounts: 'Twitch: stagehand_tv, YouTube: @stagehand', interval: 3 } },
  image: { widget_class: 'ImageWidget', name: 'Logo' },
  sequence: { widget_class: 'ImageSequenceWidget', name: 'Sponsors', widget_parameters: { interval: 1 } },
  video: { widget_class: 'VideoPlayerWidget', name: 'Clips', widget_parameters: { muted: true } },
  sounds: { widget_class: 'SoundBoardWidget', name: 'Sound board' },
  game: { widget_class: 'CurrentGameWidget', name: 'Now playing' },
  splits: { widget_class: 'SplitTimerWidget', name: 'Splits', widget_parameters: { splits: 'Tutorial, Forest Temple, Water Temple, Castle, Final Boss', title: 'Ocarina of Time — Any%' } },
};

const ids = {};
let page;

const t = useDaemonAndBrowser(async (t) => {
  const dash = (await t.call('POST', '/api/dashboards', { name: 'Widget library', obs_scene: null }, 201)).id;
  for (const [key, w] of Object.entries(WIDGETS)) {
    ids[key] = (await t.call('POST', '/api/widgets', { ...w, dashboard_ids: [dash] }, 201)).id;
  }
  await t.call('POST', `/api/dashboards/${dash}/activate`);
  page = await t.openOverlay();
});

const upload = (name, bytes, type) => uploadMedia(t.daemon.base, name, bytes, type);
const recordClip = (seconds) => recordWebm(t.browser, seconds);

const run = (key, feature, parameters = {}) =>
  t.call('POST', `/api/widgets/${ids[key]}/execute`, { feature, parameters });
const of = (key, name) => `.element[data-widget-id="${ids[key]}"][data-name="${name}"]`;

/** A screenshot of one widget: the box around its shown elements, with a margin. */
async function shoot(key, file) {
  const box = await page.evaluate((id) => {
    const rects = [...document.querySelectorAll(`.element[data-widget-id="${id}"][data-visible="true"]`)]
      .map((n) => n.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) return null;
    const x = Math.min(...rects.map((r) => r.left)), y = Math.min(...rects.map((r) => r.top));
    const r = Math.max(...rects.map((r) => r.right)), b = Math.max(...rects.map((r) => r.bottom));
    return { x, y, width: r - x, height: b - y };
  }, ids[key]);
  assert.ok(box, `${key} shows something`);
  const m = 24;
  const x = Math.max(0, box.x - m), y = Math.max(0, box.y - m);
  const clip = { x, y, width: Math.min(1920 - x, box.width + 2 * m), height: Math.min(1080 - y, box.height + 2 * m) };
  await page.screenshot({ path: join(artifactsDir(), file), clip });
}

test('text ticker: set_text, stop_scroll, start_scroll — a seamless loop on transform only', { timeout: 60_000 }, async () => {
  await run('ticker', 'set_text', { message: 'Giveaway at 500 followers  •  !discord for the community  •  Be kind in chat' });
  const content = `${of('ticker', 'ticker_text')} .content-text.ticker`;
  await page.locator(`${content}[data-ticker="running"]`).waitFor();
  const copies = page.locator(`${content} .ticker-copy`);
  assert.equal(await copies.count(), 2);
  await copies.first().filter({ hasText: 'Giveaway at 500 followers' }).waitFor();
  // The track moves (transform changes between two frames) and only transform is animated.
  const motion = await page.evaluate((sel) => {
    const track = document.querySelector(`${sel} .ticker-track`);
    const anims = track.getAnimations();
    const props = anims.flatMap((a) => a.effect.getKeyframes().flatMap((k) => Object.keys(k))).filter((k) => !['offset', 'easing', 'composite', 'computedOffset'].includes(k));
    const a = new DOMMatrix(getComputedStyle(track).transform).m41;
    return new Promise((r) => setTimeout(() => r({ a, b: new DOMMatrix(getComputedStyle(track).transform).m41, props: [...new Set(props)], n: anims.length }), 300));
  }, content);
  assert.equal(motion.n, 1);
  assert.deepEqual(motion.props, ['transform']);
  assert.ok(motion.b < motion.a, `moves left: ${motion.a} → ${motion.b}`);
  await shoot('ticker', 'widget-text-ticker.png');

  await run('ticker', 'stop_scroll');
  await page.locator(`${content}[data-ticker="stopped"]`).waitFor();
  assert.equal(await page.evaluate((sel) => document.querySelector(`${sel} .ticker-track`).getAnimations().length, content), 0);
  await run('ticker', 'start_scroll');
  await page.locator(`${content}[data-ticker="running"]`).waitFor();
});

test('text ticker: with prefers-reduced-motion the text stands still and stays readable', { timeout: 30_000 }, async () => {
  const still = await t.browser.newPage();
  await still.emulateMedia({ reducedMotion: 'reduce' });
  await still.goto(`${t.daemon.base}/overlay/`);
  await still.waitForSelector('body[data-connected="true"]');
  const content = `${of('ticker', 'ticker_text')} .content-text.ticker[data-ticker="static"]`;
  await still.locator(content).waitFor();
  assert.equal(await still.evaluate((sel) => document.querySelector(`${sel} .ticker-track`).getAnimations().length, content), 0);
  assert.equal(await still.locator(`${content} .ticker-copy:visible`).count(), 1);
  await still.close();
});

test('split timer: a best run, then a run with a gold split, undo and skip', { timeout: 60_000 }, async () => {
  const text = (name) => page.locator(`${of('splits', name)} .content-text`).textContent();
  // A first completed run becomes the best when it is closed (reset).
  await run('splits', 'start_splits');
  for (let i = 0; i < 5; i++) await run('splits', 'next_split');
  await run('splits', 'reset_splits');
  await run('splits', 'start_splits');
  const clock = `${of('splits', 'clock')} .content-timer`;
  await page.locator(`${clock}[data-mode="countup"][data-running="true"]`).waitFor();
  await page.waitForTimeout(250);
  await run('splits', 'next_split');
  await run('splits', 'skip_split');
  await run('splits', 'next_split');
  await run('splits', 'undo_split');
  // The REST answer comes at the commit; the overlay hears it a moment later.
  await page.waitForFunction((sel) => {
    const n = document.querySelector(sel);
    return n && getComputedStyle(n).backgroundColor !== 'rgba(0, 0, 0, 0)';
  }, `${of('splits', 'split_2_name')} .content-text`);
  await page.locator(`${of('splits', 'split_2_time')} .content-text`, { hasText: /^\d+\.\d$/ }).waitFor();
  assert.equal(await text('split_1_time'), '—', 'the skipped split has no time');
  assert.match(await text('split_0_time'), /^\d+\.\d$/);
  assert.match(await text('split_0_delta'), /^\+\d+\.\d$/, 'behind the best run: it split at once');
  assert.equal(await text('split_2_name'), 'Water Temple');
  const current = await page.locator(`${of('splits', 'split_2_name')} .content-text`).evaluate((n) => getComputedStyle(n).backgroundColor);
  assert.notEqual(current, 'rgba(0, 0, 0, 0)', 'the current split is highlighted');
  assert.match(await page.locator(`${clock} .timer-value`).textContent(), /^\d\d:\d\d\.\d$/, 'tenths, computed in the page');
  await shoot('splits', 'widget-split-timer.png');
});

test('social media: update_content shows the account with its icon, cycle_platforms slides to the next', { timeout: 60_000 }, async () => {
  const shown = async () => {
    const slot = (await page.locator(`${of('social', 'handle_a')}[data-visible="true"]`).count()) ? 'a' : 'b';
    return {
      slot,
      label: await page.locator(`${of('social', `label_${slot}`)} .content-text`).textContent(),
      handle: await page.locator(`${of('social', `handle_${slot}`)} .content-text`).textContent(),
    };
  };
  await run('social', 'update_content', { platform: 'Discord', content: 'discord.gg/stagehand' });
  await page.locator(`${of('social', 'handle_b')}[data-visible="true"]`).waitFor();
  await page.locator(`${of('social', 'handle_a')}[data-visible="false"]`).waitFor();
  assert.deepEqual(await shown(), { slot: 'b', label: 'DISCORD', handle: 'discord.gg/stagehand' });
  // The icon is an inline SVG the <img> has decoded (no file, no download).
  const icon = page.locator(`${of('social', 'icon_b')} img.media-image`);
  await icon.waitFor();
  assert.match(await icon.getAttribute('src'), /^data:image\/svg\+xml,/);
  await page.waitForFunction((sel) => document.querySelector(sel)?.naturalWidth > 0, `${of('social', 'icon_b')} img`);
  await page.waitForTimeout(700);
  await shoot('social', 'widget-social-media.png');

  await run('social', 'cycle_platforms');
  await page.locator(`${of('social', 'handle_a')}[data-visible="true"]`).waitFor();
  assert.equal((await shown()).label, 'TWITCH', 'wraps around to the first account');
  // The rotation goes on by itself: a stored follow-up every 3 s.
  await page.locator(`${of('social', 'handle_b')}[data-visible="true"]`).waitFor({ timeout: 6000 });
  assert.equal((await shown()).label, 'YOUTUBE');
});

test('image: set_image shows a library file, hide and show; a wrong file is a 422 naming the parameter', { timeout: 60_000 }, async () => {
  const logo = await upload('logo.png', png(480, 200), 'image/png');
  const tone = await upload('tone.wav', wav(1), 'audio/wav');
  const types = await t.call('GET', '/api/widget-types');
  const spec = types.find((w) => w.widget_class === 'ImageWidget').features.find((f) => f.name === 'set_image').parameters[0];
  assert.deepEqual([spec.type, spec.media_kind], ['media', 'image']);
  const bad = await fetch(`${t.daemon.base}/api/widgets/${ids.image}/execute`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ feature: 'set_image', parameters: { media: tone.id } }),
  });
  assert.equal(bad.status, 422);
  assert.equal((await bad.json()).error.field, 'parameters.media');

  await run('image', 'set_image', { media: logo.id });
  const img = page.locator(`${of('image', 'image')}[data-visible="true"] img.media-image`);
  await img.waitFor();
  assert.equal(new URL(await img.getAttribute('src'), t.daemon.base).pathname, new URL(logo.url, t.daemon.base).pathname);
  await page.waitForFunction((sel) => document.querySelector(sel)?.naturalWidth === 480, `${of('image', 'image')} img`);
  await page.waitForTimeout(600);
  await shoot('image', 'widget-image.png');
  await run('image', 'hide');
  await page.locator(`${of('image', 'image')}[data-visible="false"]`).waitFor();
  await run('image', 'show');
  await page.locator(`${of('image', 'image')}[data-visible="true"]`).waitFor();
});

test('image sequence: next/previous wrap around, start plays on its own, pause stops', { timeout: 60_000 }, async () => {
  const files = [];
  for (const [i, hue] of [20, 120, 230].entries()) files.push(await upload(`slide-${i}.png`, png(300 + i * 10, hue), 'image/png'));
  await t.call('PATCH', `/api/widgets/${ids.sequence}`, { widget_parameters: { images: files.map((f) => f.id) } });
  const shownUrl = () => page.evaluate((id) => {
    const img = document.querySelector(`.element[data-widget-id="${id}"][data-visible="true"] img.media-image`);
    return img ? new URL(img.getAttribute('src'), location.href).pathname : null;
  }, ids.sequence);
  const path = (f) => new URL(f.url, t.daemon.base).pathname;
  const showing = async (f) => {
    await page.waitForFunction(([id, want]) => {
      const img = document.querySelector(`.element[data-widget-id="${id}"][data-visible="true"] img.media-image`);
      return img && new URL(img.getAttribute('src'), location.href).pathname === want;
    }, [ids.sequence, path(f)]);
    assert.equal(await page.locator(`.element[data-widget-id="${ids.sequence}"][data-visible="true"]`).count(), 1);
  };
  await showing(files[0]);
  await run('sequence', 'previous_image');
  await showing(files[2]);
  await run('sequence', 'next_image');
  await showing(files[0]);
  await run('sequence', 'start_sequence');
  await showing(files[1]); // after the 1 s interval, by the stored follow-up
  await run('sequence', 'pause_sequence');
  const paused = await shownUrl();
  await page.waitForTimeout(1800);
  assert.equal(await shownUrl(), paused, 'paused: no more changes');
  await page.waitForTimeout(700);
  await shoot('sequence', 'widget-image-sequence.png');
  // A file the slideshow names is in use: deleting it is refused naming the widget, and a
  // forced delete takes it out of the Images parameter.
  const refused = await fetch(`${t.daemon.base}/api/media/${files[2].id}`, { method: 'DELETE' });
  assert.equal(refused.status, 409);
  assert.match((await refused.json()).error.message, /widget 'Sponsors' \(id \d+\) parameters/);
  await t.call('DELETE', `/api/media/${files[2].id}?force=true`, undefined, [200, 204]);
  const w = await t.call('GET', `/api/widgets/${ids.sequence}`);
  assert.deepEqual(w.widget_parameters.images, [files[0].id, files[1].id]);
});

test('video player: play_video plays the clip, pause_video holds and resumes, it hides when the clip ends', { timeout: 60_000 }, async () => {
  const clip = await upload('highlight.webm', await recordClip(2.5), 'video/webm');
  await run('video', 'play_video', { video_file: clip.id });
  const node = of('video', 'video');
  const video = page.locator(`${node}[data-visible="true"] video.media-video`);
  await video.waitFor();
  assert.equal(new URL(await video.getAttribute('src'), t.daemon.base).pathname, new URL(clip.url, t.daemon.base).pathname);
  await page.waitForFunction((sel) => { const v = document.querySelector(sel); return v && !v.paused && v.currentTime > 0.2; }, `${node} video`);
  await shoot('video', 'widget-video-player.png');
  await run('video', 'pause_video');
  await page.locator(`${node} .content-video[data-paused="true"]`).waitFor();
  const held = await page.evaluate((sel) => { const v = document.querySelector(sel); return { paused: v.paused, at: v.currentTime }; }, `${node} video`);
  assert.ok(held.paused && held.at > 0.2, JSON.stringify(held));
  await run('video', 'pause_video');
  await page.waitForFunction(([sel, at]) => { const v = document.querySelector(sel); return !v.paused && v.currentTime > at; }, [`${node} video`, held.at]);
  const resumedAt = await page.evaluate((sel) => document.querySelector(sel).currentTime, `${node} video`);
  assert.ok(resumedAt >= held.at, 'resumed from where it was, not from the start');
  // Not looping: the element hides itself when the clip ends.
  await page.locator(`${node}[data-visible="false"]`).waitFor({ timeout: 8000 });
  await run('video', 'play_video', { video_file: clip.id });
  await page.locator(`${node}[data-visible="true"]`).waitFor();
  await run('video', 'stop_video');
  await page.locator(`${node}[data-visible="false"]`).waitFor();
});

test('sound board: two sounds overlap on two voices, the badge names the sound, stop_all_sounds silences both', { timeout: 60_000 }, async () => {
  const horn = await upload('airhorn.wav', wav(4, 660), 'audio/wav');
  const drum = await upload('drum-roll.wav', wav(4, 220), 'audio/wav');
  await run('sounds', 'play_sound', { sound_file: horn.id, volume: 0.6 });
  await run('sounds', 'play_sound', { sound_file: drum.id });
  const playing = () => page.evaluate((id) => [...document.querySelectorAll(`.element[data-widget-id="${id}"] audio`)]
    .filter((a) => !a.paused).map((a) => new URL(a.getAttribute('src'), location.href).pathname).sort(), ids.sounds);
  await page.waitForFunction((id) => [...document.querySelectorAll(`.element[data-widget-id="${id}"] audio`)].filter((a) => !a.paused && a.currentTime > 0).length === 2, ids.sounds);
  assert.deepEqual(await playing(), [horn, drum].map((m) => new URL(m.url, t.daemon.base).pathname).sort(), 'both play at once');
  const badge = page.locator(`${of('sounds', 'now_playing')}[data-visible="true"] .content-text`);
  assert.equal(await badge.textContent(), '\u266A  drum-roll');
  await page.waitForTimeout(500);
  await shoot('sounds', 'widget-sound-board.png');
  await run('sounds', 'stop_all_sounds');
  await page.waitForFunction((id) => [...document.querySelectorAll(`.element[data-widget-id="${id}"] audio`)].every((a) => a.paused), ids.sounds);
  assert.equal(await page.locator(`.element[data-widget-id="${ids.sounds}"][data-visible="true"]`).count(), 0);
});

test('current game: set_game with box art, then without (a controller icon), clear_game hides the card', { timeout: 60_000 }, async () => {
  const art = await upload('box-art.png', png(240, 90), 'image/png');
  await run('game', 'set_game', { game_name: 'Celeste', image: art.id });
  const img = page.locator(`${of('game', 'box_art')}[data-visible="true"] img.media-image`);
  await img.waitFor();
  assert.equal(new URL(await img.getAttribute('src'), t.daemon.base).pathname, new URL(art.url, t.daemon.base).pathname);
  await run('game', 'set_game', { game_name: 'Hollow Knight: Silksong' });
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('src')?.startsWith('data:image/svg+xml,'), `${of('game', 'box_art')} img`);
  assert.equal(await page.locator(`${of('game', 'game_text')}[data-visible="true"] .content-text`).textContent(), 'Hollow Knight: Silksong');
  assert.equal(await page.locator(`${of('game', 'label_text')} .content-text`).textContent(), 'NOW PLAYING');
  await page.waitForTimeout(700);
  await shoot('game', 'widget-current-game.png');
  await run('game', 'clear_game');
  await page.locator(`${of('game', 'card')}[data-visible="false"]`).waitFor();
  await run('game', 'set_game', { game_name: 'Celeste', image: art.id });
  await page.locator(`${of('game', 'card')}[data-visible="true"]`).waitFor();
});

test('admin: a media parameter is picked from the library (MediaPicker) and executes', { timeout: 60_000 }, async () => {
  const card = await upload('break-card.png', png(360, 60), 'image/png');
  const admin = await t.browser.newPage();
  await admin.setViewportSize({ width: 1400, height: 1000 });
  await admin.goto(`${t.daemon.base}/admin/`);
  await admin.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  const panel = admin.locator('[data-panel]', { has: admin.getByRole('heading', { level: 3, name: 'Logo', exact: true }) });
  const form = panel.locator('[data-feature="set_image"]');
  const select = form.locator('[data-field="media"] select');
  await select.locator(`option[value="${card.id}"]`).waitFor({ state: 'attached' });
  assert.equal(await select.locator('option').first().textContent(), 'Choose a file…');
  assert.equal(await form.locator('[data-field="media"]').getByText('An image from the media library').count(), 1);
  await select.selectOption(String(card.id));
  await form.screenshot({ path: join(artifactsDir(), 'widget-library-admin-media-picker.png') });
  await form.getByRole('button', { name: /^Execute/ }).click();
  await page.waitForFunction(([sel, want]) => {
    const img = document.querySelector(sel);
    return img && new URL(img.getAttribute('src'), location.href).pathname === want;
  }, [`${of('image', 'image')}[data-visible="true"] img.media-image`, new URL(card.url, t.daemon.base).pathname]);
  // The widget library lists every new type with its description and icon.
  await admin.getByRole('button', { name: 'Add widget' }).first().click();
  const library = admin.locator('dialog[open]');
  for (const w of Object.values(WIDGETS)) await library.locator(`[data-widget-class="${w.widget_class}"]`).waitFor();
  await library.locator('[data-widget-class="CurrentGameWidget"]').scrollIntoViewIfNeeded();
  await admin.waitForTimeout(400);
  await library.screenshot({ path: join(artifactsDir(), 'widget-library-admin-add-widget.png') });
  await admin.close();
});

test('the whole overlay with every library widget', { timeout: 30_000 }, async () => {
  await page.waitForTimeout(600);
  await page.screenshot({ path: join(artifactsDir(), 'widget-library-overlay.png') });
});
