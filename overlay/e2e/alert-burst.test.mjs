// Issue 12's burst in real Chromium: 50 mixed events (subs, cheers, raids) written by the
// fake Twitch IRC server within a second become 50 alerts on the overlay page, shown one at a
// time in arrival order, none lost — read from the page's own DOM (a MutationObserver on the
// alert headlines' data-visible), not from the socket.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { control, useFakeTwitchDaemon } from './fake-twitch.mjs';
import { addBackdrop, animationsSettled, artifactsDir } from './helpers.mjs';


const t = useFakeTwitchDaemon((fake) => ({
  STAGEHAND__TWITCH__ENABLED: 'true',
  STAGEHAND__TWITCH__CHANNEL: 'streamer',
  STAGEHAND__TWITCH__IRC_ADDR: fake.irc_addr,
}));
const { call } = t;



test('a burst of 50 events plays one alert at a time, in order, none lost', { timeout: 150_000 }, async () => {
  const dash = (await call('POST', '/api/dashboards', { name: 'Alerts', obs_scene: null }, 201)).id;
  const quick = { variations: 'amount >= 0: duration 0.2' };
  const widget = async (widget_class) =>
    (await call('POST', '/api/widgets', { widget_class, name: widget_class, dashboard_ids: [dash], widget_parameters: quick }, 201)).id;
  const sub = await widget('SubscriberAlertWidget');
  const cheer = await widget('CheerAlertWidget');
  const raid = await widget('RaidAlertWidget');
  await call('POST', `/api/dashboards/${dash}/activate`);
  for (const b of [
    { event: 'sub', widget_id: sub, feature: 'trigger_sub', parameters: { subscriber_name: '{user}', tier: '{tier}', months: '{months}' } },
    { event: 'cheer', widget_id: cheer, feature: 'trigger_cheer', parameters: { user: '{user}', bits: '{amount}', message: '{message}' } },
    { event: 'raid', widget_id: raid, feature: 'trigger_raid', parameters: { raider: '{user}', viewers: '{viewers}' } },
  ]) await call('POST', '/api/event-bindings', b, 201);
  for (let i = 0; (await call('GET', '/api/status')).twitch.connected !== true; i++) {
    assert.ok(i < 400, 'Twitch chat joined');
    await new Promise((r) => setTimeout(r, 50));
  }

  const page = await t.browser.newPage();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${t.daemon.base}/overlay/`);
  await addBackdrop(page);
  await page.waitForSelector('body[data-connected="true"]');
  // Every change of a headline's visibility, as the page saw it.
  await page.evaluate(() => {
    const log = { shown: [], maxVisible: 0 };
    window.__alerts = log;
    const headlines = () => [...document.querySelectorAll('.element[data-name="headline"]')];
    const was = new Map();
    new MutationObserver(() => {
      const visible = headlines().filter((h) => h.dataset.visible === 'true');
      log.maxVisible = Math.max(log.maxVisible, visible.length);
      for (const h of headlines()) {
        const now = h.dataset.visible === 'true';
        if (now && !was.get(h)) log.shown.push(h.textContent.replace(/[\u2068\u2069]/g, ''));
        was.set(h, now);
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-visible'], childList: true, characterData: true });
  });

  const irc = (path, body) => control(t.fake.irc_control_url, 'POST', path, body);
  const names = [];
  const t0 = Date.now();
  for (let i = 0; i < 50; i++) {
    const login = `fan${String(i).padStart(2, '0')}`;
    names.push(login);
    if (i % 3 === 0) await irc('/sub', { login });
    else if (i % 3 === 1) await irc('/cheer', { login, bits: 100 + i, text: `Cheer${100 + i} gg` });
    else await irc('/raid', { login, viewers: 10 + i });
  }
  assert.ok(Date.now() - t0 < 5_000, 'the burst was written quickly');

  await page.waitForFunction(() => window.__alerts.shown.length >= 1);
  await animationsSettled(page);
  await page.screenshot({ path: join(artifactsDir(), 'alert-burst-first.png') });
  await page.waitForFunction(() => window.__alerts.shown.length >= 50, null, { timeout: 120_000 });
  const log = await page.evaluate(() => window.__alerts);
  assert.equal(log.maxVisible, 1, 'never two alerts on screen');
  assert.equal(log.shown.length, 50);
  log.shown.forEach((text, i) => assert.ok(text.startsWith(names[i]), `alert ${i}: "${text}" should be ${names[i]}'s`));
  const plays = (await call('GET', '/api/audit?limit=1000')).filter((e) => e.action === 'play_alert');
  assert.equal(plays.length, 50, 'every alert played once');
  assert.ok(plays.every((e) => e.ok));
});
