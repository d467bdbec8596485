// The Alerts page in real Chromium against the real daemon: pause a queue, queue three test
// alerts (sub, cheer, follow), drag the last to the top (and check the daemon's order),
// resume (the first plays, on the page and on the overlay), skip (the next plays), clear
// (nothing waits). Screenshots at 1920×1080 and 390 px, and of the overlay with an alert.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { animationsSettled, artifactsDir, axeClean, el, painted } from './helpers.mjs';

const t = useDaemonAndBrowser();

async function until(what, f, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Text without the bidi isolates the daemon puts around viewer names. */
const plain = (s) => (s ?? '').replace(/[\u2066-\u2069]/g, '');
const main = async () => (await t.call('GET', '/api/alerts')).queues.main;

test('alerts page: pause, test, reorder, resume, skip, clear', { timeout: 120_000 }, async () => {
  // An empty setup first: the page explains alerts.
  const admin = await t.browser.newPage();
  await admin.setViewportSize({ width: 1920, height: 1080 });
  await admin.goto(`${t.daemon.base}/admin/#/alerts`);
  await admin.locator('[data-alerts-empty]').waitFor();
  assert.match(await admin.locator('[data-alerts-empty]').textContent(), /Go to dashboards/);
  await axeClean(admin, 'the empty Alerts page');

  const dash = (await t.call('POST', '/api/dashboards', { name: 'Alerts', obs_scene: null }, 201)).id;
  // Long enough that the screenshots and axe runs happen while the first one plays.
  const params = { duration_s: 30 };
  for (const [cls, name] of [['SubscriberAlertWidget', 'Sub alert'], ['CheerAlertWidget', 'Cheer alert'], ['FollowerAlertWidget', 'Follow alert']]) {
    await t.call('POST', '/api/widgets', { widget_class: cls, name, dashboard_ids: [dash], widget_parameters: params }, 201);
  }
  await t.call('POST', `/api/dashboards/${dash}/activate`);

  const card = admin.locator('[data-queue="main"]');
  await card.waitFor(); // the widgets' queue shows before any alert reached it
  assert.equal(await card.getAttribute('data-queue-state'), 'idle');

  // A kind with no widget: a friendly hint, nothing queued.
  await admin.locator('[data-test-kind="raid"]').click();
  await admin.locator('[data-test-hint]').waitFor();
  assert.match(await admin.locator('[data-test-hint]').textContent(), /Add a Raid Alert widget to a dashboard first/);

  // No overlay connected (OBS closed): a test alert waits for one.
  await admin.locator('[data-test-kind="gift"]').click();
  await until('waiting for an overlay', async () => (await card.getAttribute('data-queue-state')) === 'waiting');
  assert.match(await card.locator('[data-queue-status]').textContent(), /Waiting for an overlay/);

  await card.locator('[data-action="pause"]').click();
  await until('paused', async () => (await card.getAttribute('data-queue-state')) === 'paused');
  assert.equal((await main()).paused, true);
  await t.call('POST', '/api/alerts/queues/main/clear');
  await until('the gift gone', async () => (await card.locator('li[data-alert-id]').count()) === 0);

  const overlay = await t.openOverlay();
  await overlay.setViewportSize({ width: 1920, height: 1080 });

  for (const k of ['sub', 'cheer', 'follow']) {
    await admin.locator(`[data-test-kind="${k}"]`).click();
    await until(`test ${k} queued`, async () => (await admin.locator(`[data-test-kind="${k}"]`).isEnabled()));
  }
  const rows = card.locator('li[data-alert-id]');
  await until('three waiting rows', async () => (await rows.count()) === 3);
  const labels = () => rows.locator('[data-alert-label]').allTextContents();
  assert.deepEqual((await labels()).map((l) => l.split(' ')[0]), ['TestSubscriber', 'TestCheerer', 'TestFollower']);
  const ids = await rows.evaluateAll((ls) => ls.map((l) => Number(l.dataset.alertId)));

  // Drag the follow (last) onto the top half of the first row: it goes first.
  await rows.nth(2).dragTo(rows.nth(0), { targetPosition: { x: 40, y: 4 } });
  let want = [ids[2], ids[0], ids[1]];
  await until('dragged to the top', async () => JSON.stringify(await rows.evaluateAll((ls) => ls.map((l) => Number(l.dataset.alertId)))) === JSON.stringify(want));
  await until('daemon has the dragged order', async () => JSON.stringify((await main()).waiting.map((a) => a.id)) === JSON.stringify(want));

  // The keyboard way: Move down, then Move up again (same order as before).
  await rows.nth(0).locator('[data-move="down"]').click();
  want = [ids[0], ids[2], ids[1]];
  await until('moved down', async () => JSON.stringify((await main()).waiting.map((a) => a.id)) === JSON.stringify(want));
  await admin.locator(`li[data-alert-id="${ids[2]}"] [data-move="up"]`).click();
  want = [ids[2], ids[0], ids[1]];
  await until('moved up', async () => JSON.stringify((await main()).waiting.map((a) => a.id)) === JSON.stringify(want));
  await until('page shows it', async () => JSON.stringify(await rows.evaluateAll((ls) => ls.map((l) => Number(l.dataset.alertId)))) === JSON.stringify(want));
  await axeClean(admin, 'the Alerts page, paused with three waiting');

  // Resume: the follow plays, on the page and on the overlay.
  await card.locator('[data-action="resume"]').click();
  const playing = card.locator('[data-playing]');
  await until('the follow plays', async () => (await card.getAttribute('data-queue-state')) === 'playing' && (await playing.getAttribute('data-alert-id')) === String(ids[2]));
  assert.match(await playing.locator('[data-playing-label]').textContent(), /TestFollower followed/);
  assert.equal(await rows.count(), 2);
  assert.match(await playing.locator('[data-time-left]').textContent(), /^0:\d\d left$/);
  const headline = overlay.locator(`${el('headline')}[data-visible="true"]`);
  await headline.waitFor();
  assert.match(plain(await headline.textContent()), /TestFollower is now following!/);

  await animationsSettled(admin);
  await painted(admin);
  await admin.screenshot({ path: join(artifactsDir(), 'alerts-page.png') });
  await axeClean(admin, 'the Alerts page with an alert playing');

  // The activity of the run: the alert, readable.
  assert.equal(await (await t.call('GET', '/api/audit?limit=10')).some((e) => e.action === 'play_alert' && e.ok), true);

  await animationsSettled(overlay);
  await painted(overlay);
  await overlay.screenshot({ path: join(artifactsDir(), 'alert-on-overlay.png') });

  await admin.setViewportSize({ width: 390, height: 844 });
  await painted(admin);
  await admin.screenshot({ path: join(artifactsDir(), 'alerts-page-390.png'), fullPage: true });
  assert.ok(await admin.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling at 390 px');
  await axeClean(admin, 'the Alerts page at 390 px');
  await admin.setViewportSize({ width: 1920, height: 1080 });

  // Skip: the next one (the sub) plays.
  await card.locator('[data-action="skip"]').click();
  await until('the sub plays', async () => (await playing.getAttribute('data-alert-id').catch(() => null)) === String(ids[0]), 20_000);
  assert.match(await playing.locator('[data-playing-label]').textContent(), /TestSubscriber subscribed/);
  await until('the overlay shows the sub', async () => /TestSubscriber just subscribed!/.test(plain(await headline.first().textContent().catch(() => ''))), 20_000);

  // Clear, confirmed: nothing waits; the sub finishes.
  await card.locator('[data-action="clear"]').click();
  const dialog = admin.locator('dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /1 waiting alert is dropped/);
  await dialog.getByRole('button', { name: 'Clear queue' }).click();
  await card.locator('[data-waiting-empty]').waitFor();
  assert.deepEqual((await main()).waiting, []);
  assert.equal((await main()).playing?.id, ids[0]);

  // Replay last is there once something played.
  assert.equal(await card.locator('[data-action="replay_last"]').isVisible(), true);

  // The activity feed reads the alerts: "Alert: TestFollower followed".
  await admin.getByRole('link', { name: 'Dashboards' }).click();
  const feed = admin.locator('[data-activity]');
  await until('the alert in the feed', async () => /Alert:\s*TestFollower followed/.test(await feed.textContent().catch(() => '')));
  assert.match(await feed.textContent(), /Paused\s*the main alert queue/);
  assert.match(await feed.textContent(), /Skipped the alert on\s*the main alert queue/);
  await animationsSettled(admin);
  await feed.screenshot({ path: join(artifactsDir(), 'alerts-activity.png') });
  await overlay.close();
  await admin.close();
});
