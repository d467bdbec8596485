// The Events page and the event widgets in real Chromium against the real daemon: the empty
// page explains itself; a donation recorded in the dialog (and refused while blank) lands in
// the list, on the overlay's Event List and Top Supporters, and plays the Donation Alert it is
// bound to; events posted by another tool appear live; filters; older pages; the CSV export.
// Screenshots of the page at 1920×1080 and 390 px and of the overlay.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { animationsSettled, artifactsDir, axeClean, el } from './helpers.mjs';

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

const plain = (s) => (s ?? '').replace(/[\u2066-\u2069]/g, '');

test('events page: record a donation, live events, filters, paging, CSV; the widgets show them', { timeout: 120_000 }, async () => {
  const admin = await t.browser.newPage();
  await admin.setViewportSize({ width: 1920, height: 1080 });
  await admin.goto(`${t.daemon.base}/admin/#/events`);
  await admin.locator('[data-events-empty]').waitFor();
  assert.match(await admin.locator('[data-events-empty]').textContent(), /No events yet/);
  await axeClean(admin, 'the empty Events page');

  const dash = (await t.call('POST', '/api/dashboards', { name: 'Main', obs_scene: null }, 201)).id;
  const list = (await t.call('POST', '/api/widgets', { widget_class: 'EventListWidget', name: 'Recent', dashboard_ids: [dash] }, 201)).id;
  await t.call('POST', '/api/widgets', { widget_class: 'TopSupporterWidget', name: 'Top', dashboard_ids: [dash], widget_parameters: { scope: 'ThisStream' } }, 201);
  const alert = (await t.call('POST', '/api/widgets', { widget_class: 'DonationAlertWidget', name: 'Tips', dashboard_ids: [dash], widget_parameters: { duration_s: 30 } }, 201)).id;
  await t.call('POST', '/api/event-bindings', {
    event: 'donation', widget_id: alert, feature: 'show_donation',
    parameters: { donor_name: '{user}', amount: '{amount}', message: '{message}' },
  }, 201);
  await t.call('POST', `/api/dashboards/${dash}/activate`);
  const overlay = await t.openOverlay();
  await overlay.setViewportSize({ width: 1920, height: 1080 });

  // The dialog: a blank name is refused in place; a real one is recorded.
  await admin.locator('[data-record-donation]').click();
  const dialog = admin.locator('dialog[open]');
  await dialog.locator('[data-donation-submit]').click();
  await dialog.getByText('A name is needed').waitFor();
  await dialog.getByLabel('From').fill('KindSoul');
  await dialog.getByLabel('Amount').fill('25.50');
  await dialog.getByLabel('Currency').selectOption('EUR');
  await dialog.getByLabel('Message').fill('For the <b>stream</b> ❤️');
  await dialog.locator('[data-donation-submit]').click();
  await dialog.waitFor({ state: 'detached' });
  const rows = admin.locator('[data-events-list] li');
  await until('the donation listed', async () => (await rows.count()) === 1);
  assert.match(await rows.first().textContent(), /KindSoul\s+donated €25\.50/);
  assert.match(await rows.first().textContent(), /“For the <b>stream<\/b> ❤️”/, 'viewer text shown as text');

  // The same event on stream: the list's newest row, the top donor, and the alert it is bound to.
  const newestName = async () => {
    for (let i = 0; i < 11; i++) {
      const n = overlay.locator(`${el(`name_${i}`)}[data-visible="true"]`);
      if (await n.count()) return plain(await n.textContent());
    }
    return null;
  };
  await until('the event list row', async () => (await newestName()) === 'KindSoul');
  await until('the top donor', async () => plain(await overlay.locator(el('name_donation_stream')).textContent()) === 'KindSoul');
  assert.equal(plain(await overlay.locator(el('amount_donation_stream')).textContent()), '$25.50', 'the card writes its own currency');
  await until('the donation alert', async () => (await overlay.locator(`${el('headline')}[data-visible="true"]`).count()) === 1);

  // Another tool posts events: they appear on the page live (no reload), newest first.
  for (const [kind, user, amount] of [['follow', 'NightOwl', 0], ['cheer', 'BitLord', 1500], ['gift_sub', 'SantaClaus', 10], ['raid', 'BigStreamer', 230], ['sub', 'PixelQueen', 1]]) {
    await t.call('POST', '/api/events', { kind, user, amount }, 201);
  }
  await until('six rows', async () => (await rows.count()) === 6);
  assert.match(await rows.first().textContent(), /PixelQueen\s+subscribed/);
  assert.match(await rows.nth(1).textContent(), /BigStreamer\s+raided with 230 viewers/);
  assert.equal(await rows.nth(2).getAttribute('data-kind'), 'gift_sub');
  await animationsSettled(overlay);
  await overlay.screenshot({ path: join(artifactsDir(), 'events-overlay.png') });
  await admin.screenshot({ path: join(artifactsDir(), 'events-page.png'), fullPage: true });
  await axeClean(admin, 'the Events page with events');

  // Filters ask the daemon for those kinds only.
  await admin.locator('[data-filter="cheers"]').click();
  await until('cheers only', async () => (await rows.count()) === 1);
  assert.match(await rows.first().textContent(), /BitLord\s+cheered 1,500 bits/);
  await admin.locator('[data-filter="all"]').click();
  await until('all again', async () => (await rows.count()) === 6);

  // More than a page: "Show older events" fetches the next one.
  for (let i = 0; i < 50; i++) await t.call('POST', '/api/events', { kind: 'follow', user: `fan${i}` }, 201);
  await until('a full page', async () => (await rows.count()) === 50);
  await admin.locator('[data-load-older]').click();
  await until('56 rows', async () => (await rows.count()) === 56);
  assert.equal(await admin.locator('[data-load-older]').count(), 0, 'nothing older left');

  // CSV: a download with every event.
  const [download] = await Promise.all([admin.waitForEvent('download'), admin.locator('[data-export-csv]').click()]);
  assert.match(download.suggestedFilename(), /^stagehand-events-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'id,time_utc,kind,user,login,amount,currency,message,detail,source');
  assert.equal(lines.length, 57);
  assert.ok(lines.some((l) => l.includes(',donation,KindSoul,,25.5,EUR,For the <b>stream</b> ❤️,,api')), `the donation row: ${lines.find((l) => l.includes('KindSoul'))}`);

  // A phone.
  await admin.setViewportSize({ width: 390, height: 844 });
  await admin.evaluate(() => window.scrollTo(0, 0));
  await admin.screenshot({ path: join(artifactsDir(), 'events-page-390.png') });
  const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow}px)`);
  await admin.close();
  await overlay.close();
  // The list widget kept the newest rows (fed by the same events).
  const w = await t.call('GET', `/api/widgets/${list}`);
  const shown = w.elements.filter((e) => e.name.startsWith('name_') && e.visible).map((e) => plain(e.properties.text));
  assert.equal(shown.length, 5);
  assert.ok(shown.includes('fan49'));
});
