// ChatBoxWidget in real Chromium: chat lines from the fake Twitch IRC server reach the
// overlay's chat box with names in their colours, badges and emotes (their text when the
// image cannot load); commands, bots and moderated lines stay off stream; hostile text stays
// text. Then a 1,000 lines/s flood for 5 s: the box never holds more than its N lines and
// the admin API stays responsive (the execute p99 is printed).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { control, useFakeTwitchDaemon } from './fake-twitch.mjs';
import { addBackdrop, animationsSettled, artifactsDir, el, painted } from './helpers.mjs';

const MAX_LINES = 6;

const t = useFakeTwitchDaemon((fake) => ({
  STAGEHAND__TWITCH__ENABLED: 'true',
  STAGEHAND__TWITCH__CHANNEL: 'streamer',
  STAGEHAND__TWITCH__IRC_ADDR: fake.irc_addr,
}));
const { call } = t;
const say = (line) => control(t.fake.irc_control_url, 'POST', '/privmsg', line);
const lines = (page) => page.locator(`${el('chat')} [data-chat-line]`);

async function until(what, f, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}



test('chat on stream: colours, badges, emotes, filters, moderation, and a flood', { timeout: 180_000 }, async () => {
  const dash = (await call('POST', '/api/dashboards', { name: 'Just Chatting', obs_scene: null }, 201)).id;
  const box = (await call('POST', '/api/widgets', {
    widget_class: 'ChatBoxWidget', name: 'Chat', dashboard_ids: [dash],
    widget_parameters: { max_lines: MAX_LINES },
  }, 201)).id;
  const counter = (await call('POST', '/api/widgets', { widget_class: 'DeathCounterWidget', name: 'Deaths', dashboard_ids: [dash] }, 201)).id;
  await call('POST', `/api/dashboards/${dash}/activate`);
  await until('Twitch chat joined', async () => (await call('GET', '/api/status')).twitch.connected);

  const page = await t.browser.newPage();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${t.daemon.base}/overlay/`);
  await addBackdrop(page);
  await page.waitForSelector('body[data-connected="true"]');
  await page.locator(`${el('chat')}[data-visible="true"]`).waitFor();

  await say({ login: 'pixelqueen', display_name: 'PixelQueen', badges: ['subscriber/12'], color: '#1E90FF', text: 'that jump was clean' });
  await say({ login: 'modsquad', display_name: 'ModSquad', id: '4242', badges: ['moderator/1'], color: '#00FF7F', text: 'Kappa welcome in Kappa', emotes: '25:0-4,16-20' });
  await say({ login: 'viewer1', text: '!confetti high red' });
  await say({ login: 'nightbot', display_name: 'Nightbot', badges: ['moderator/1'], text: 'Follow the socials!' });
  await say({ login: 'lurker', display_name: 'Lurker', text: '<img src=x onerror=alert(1)> <b>bold?</b>' });
  const doomed = (await say({ login: 'spoiler', display_name: 'Spoiler', id: '666', text: 'the boss dies at the end' })).id;
  await say({ login: 'streamer', display_name: 'Streamer', badges: ['broadcaster/1'], color: '#FF4F6D', text: 'thanks for hanging out!' });
  await until('five lines', async () => (await lines(page).count()) === 5);

  const names = await lines(page).evaluateAll((ls) => ls.map((l) => l.dataset.user));
  assert.deepEqual(names, ['pixelqueen', 'modsquad', 'lurker', 'spoiler', 'streamer'], 'the command and the bot are hidden');
  const mod = page.locator(`${el('chat')} [data-user="modsquad"]`);
  assert.equal(await mod.locator('.chat-badge-moderator').textContent(), 'Mod');
  assert.equal(await mod.locator('.chat-name').evaluate((n) => getComputedStyle(n).color), 'rgb(0, 255, 127)');
  // Emotes: an image with the text as alt, or the text itself once the image failed (no
  // internet here): either way the line reads "Kappa welcome in Kappa".
  await until('emotes settled', async () => (await mod.locator('img.chat-emote').count()) === 0 || (await mod.locator('img.chat-emote[alt="Kappa"]').count()) === 2);
  assert.match((await mod.locator('.chat-text').evaluate((t) => [...t.childNodes].map((n) => n.nodeType === 3 ? n.textContent : n.alt).join(''))), /^Kappa welcome in Kappa$/);
  const hostile = page.locator(`${el('chat')} [data-user="lurker"] .chat-text`);
  assert.equal(await hostile.textContent(), '<img src=x onerror=alert(1)> <b>bold?</b>');
  assert.equal(await hostile.locator('img, b').count(), 0, 'text is never markup');

  // A moderator deletes a line; a timeout removes the user's lines.
  await control(t.fake.irc_control_url, 'POST', '/clearmsg', { id: doomed });
  await until('the deleted line gone', async () => (await page.locator(`${el('chat')} [data-user="spoiler"]`).count()) === 0);
  await control(t.fake.irc_control_url, 'POST', '/clearchat', { user_id: '4242' });
  await until('the timed-out user gone', async () => (await page.locator(`${el('chat')} [data-user="modsquad"]`).count()) === 0);
  await say({ login: 'modsquad', display_name: 'ModSquad', id: '4243', badges: ['vip/1'], color: '#00FF7F', text: 'Kappa back again', emotes: '25:0-4' });
  await say({ login: 'glowstick', display_name: 'Glowstick', badges: ['subscriber/3'], text: 'LETS GOOO that was insane' });
  await until('new lines', async () => (await lines(page).count()) === 5);
  await animationsSettled(page);
  await painted(page);
  const shot = await page.locator(el('chat')).boundingBox();
  await page.screenshot({ path: join(artifactsDir(), 'chat-box.png'), clip: { x: 0, y: shot.y - 40, width: 900, height: shot.height + 80 } });

  // A reload starts with the recent chat (the snapshot carries it).
  const again = await t.browser.newPage();
  await again.goto(`${t.daemon.base}/overlay/`);
  await again.waitForSelector('body[data-connected="true"]');
  await until('history on a fresh overlay', async () => (await lines(again).count()) === 5);
  await again.close();

  // The flood: 1,000 lines/s for 5 s while the admin runs a feature every 20 ms.
  let maxShown = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxShown = Math.max(maxShown, await lines(page).count());
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const latencies = [];
  let flooding = true;
  const admin = (async () => {
    while (flooding) {
      const t0 = performance.now();
      await call('POST', `/api/widgets/${counter}/execute`, { feature: 'increment_deaths', parameters: {} });
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let last;
  const t0 = performance.now();
  for (let slice = 0; slice < 50; slice++) {
    last = (await control(t.fake.irc_control_url, 'POST', '/flood', { login: 'spammer', count: 100, text: `spam ${slice}.{i} PogChamp` })).last_id;
    const next = t0 + (slice + 1) * 100;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  flooding = false;
  await admin;
  // The flood's last line arrives, and the box still shows only its newest N.
  await until('the last flood line', async () => (await page.locator(`${el('chat')} [data-chat-line="${last}"]`).count()) === 1);
  sampling = false;
  await sampler;
  assert.ok(maxShown <= MAX_LINES, `the box held ${maxShown} lines (max ${MAX_LINES})`);
  assert.equal(await lines(page).count(), MAX_LINES);
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(`chat flood (1,000 lines/s for 5 s): admin execute p50 ${p(0.5)} ms, p99 ${p(0.99)} ms over ${latencies.length} calls; box max ${maxShown}/${MAX_LINES} lines`);
});
