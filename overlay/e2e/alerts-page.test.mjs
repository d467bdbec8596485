// The Alerts page in real Chromium against the real daemon: pause a queue, queue three test
// alerts (sub, cheer, follow), drag the last to the top (and check the daemon's order),
// resume (the first plays, on the page and on the overlay), skip (the next plays), clear
// (nothing waits). Screenshots at 1920×1080 and 390 px, and of the overlay with an alert.
// Then the variation editor of a donation alert: a rule with a duration, a headline and an
// uploaded image, previewed by the daemon (150 matches, 5 does not), a refused line shown on
// its row, saved, back after a reload, and a real donation showing the rule's image.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useDaemonAndBrowser } from './daemon.mjs';
import { animationsSettled, artifactsDir, axeClean, el, painted } from './helpers.mjs';
import { png, wav } from './media-files.mjs';
import { upload } from './media-library.mjs';

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

test('alerts page: the variation editor of a donation alert', { timeout: 150_000 }, async () => {
  const legend = await upload(t.daemon.base, 'legend.png', png(160, 230), 'image/png');
  const crown = await upload(t.daemon.base, 'crown.png', png(160, 40), 'image/png');
  const fanfare = await upload(t.daemon.base, 'fanfare.wav', wav(1, 660), 'audio/wav');
  const dashboards = await t.call('GET', '/api/dashboards');
  const dash = dashboards.find((d) => d.name === 'Alerts')?.id ?? (await t.call('POST', '/api/dashboards', { name: 'Alerts', obs_scene: null }, 201)).id;
  // Its own queue: whatever the first test left playing on "main" does not hold it up.
  const widget = (await t.call('POST', '/api/widgets', {
    widget_class: 'DonationAlertWidget', name: 'Tips', dashboard_ids: [dash], widget_parameters: { queue: 'Donations', duration_s: 6 },
  }, 201)).id;
  await t.call('POST', '/api/event-bindings', {
    event: 'donation', widget_id: widget, feature: 'show_donation',
    parameters: { donor_name: '{user}', amount: '{amount}', message: '{message}' },
  }, 201);
  await t.call('POST', `/api/dashboards/${dash}/activate`);

  const admin = await t.browser.newPage();
  await admin.setViewportSize({ width: 1920, height: 1080 });
  await admin.goto(`${t.daemon.base}/admin/#/alerts`);
  const openEditor = async () => {
    await admin.locator(`[data-variations-open="${widget}"]`).click();
    const d = admin.locator('dialog[open]');
    await d.locator('[data-variations-editor]').waitFor();
    return d;
  };
  // A follow carries no number: its editor explains instead of offering rules.
  const follow = (await t.call('GET', '/api/widgets')).find((w) => w.widget_class === 'FollowerAlertWidget');
  if (follow) {
    await admin.locator(`[data-variations-open="${follow.id}"]`).click();
    const none = admin.locator('dialog[open] [data-variations-none]');
    await none.waitFor();
    assert.match(await none.textContent(), /Follows have no number to vary on/);
    await admin.keyboard.press('Escape');
    await none.waitFor({ state: 'detached' });
  }

  // A sub alert tests months, tier or gifted subs; a rule on gifted subs previews a gift.
  const sub = (await t.call('GET', '/api/widgets')).find((w) => w.widget_class === 'SubscriberAlertWidget');
  if (sub) {
    await admin.locator(`[data-variations-open="${sub.id}"]`).click();
    const d = admin.locator('dialog[open]');
    await d.locator('[data-add-rule]').click();
    const r = d.locator('li[data-row-kind="rule"]').first();
    assert.deepEqual(await r.locator('[data-field="variable"] option').allTextContents(), ['Months subscribed', 'Sub tier', 'Gifted subs']);
    await r.locator('[data-field="variable"]').selectOption('count');
    await r.locator('[data-field="value"]').fill('3');
    await r.locator('[data-field="headline"]').fill('{user} gifted {count}!');
    await until('the gift sample', async () => (await d.locator('[data-trigger="trigger_gift"]').getAttribute('aria-pressed')) === 'true');
    await until('the gift previewed', async () => /PixelQueen gifted 5!/.test(plain(await d.locator('[data-preview-headline]').textContent().catch(() => ''))));
    await d.locator('[data-trigger="trigger_sub"]').click();
    await until('a sub does not match a gift rule', async () => (await d.locator('[data-preview]').getAttribute('data-preview-rule').catch(() => null)) === '');
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.getByRole('button', { name: 'Discard' }).click();
    await d.waitFor({ state: 'detached' });
  }

  let dialog = await openEditor();
  assert.match(await dialog.locator('h2').first().textContent(), /Alert variations/);
  await dialog.locator('[data-variations-empty]').waitFor();

  // A rule: amount >= 100 → 15 s, a headline, the uploaded image.
  await dialog.locator('[data-add-rule]').click();
  const row = dialog.locator('li[data-row-kind="rule"]').first();
  assert.deepEqual(await row.locator('[data-field="variable"] option').allTextContents(), ['Amount'], 'a donation only has an amount');
  assert.equal(await row.locator('[data-field="op"]').inputValue(), '>=');
  await row.locator('[data-field="value"]').fill('100');
  await row.locator('[data-field="duration"]').fill('15');
  const headline = row.locator('[data-field="headline"]');
  await headline.fill('{user} is a legend!');
  await headline.press('End');
  await headline.pressSequentially('"');
  assert.equal(await headline.inputValue(), '{user} is a legend!', 'a double quote never gets into a template');
  assert.match(await row.textContent(), /Double quotes can’t be used/);
  const images = row.locator('[data-media-multi="image"] select');
  const offered = await images.locator('option').allTextContents();
  assert.ok(offered.includes('legend') && offered.includes('crown') && !offered.includes('fanfare'), `only images are offered: ${offered}`);
  await images.selectOption(String(legend.id));
  await row.locator(`[data-media-multi="image"] [data-picked="${legend.id}"]`).waitFor();
  assert.equal(await images.inputValue(), '', 'the picker is ready for another');
  await row.locator('[data-media-multi="audio"] select').selectOption(String(fanfare.id));
  await row.locator(`[data-media-multi="audio"] [data-picked="${fanfare.id}"]`).waitFor();
  await row.locator('[data-field="confetti"]').check();

  // The preview, from the daemon: 150 matches the rule; 5 gets the widget's own look.
  const preview = dialog.locator('[data-variations-preview]');
  const amount = preview.locator('[data-sample="amount"]');
  const shows = async (rule, text) =>
    (await preview.locator('[data-preview]').getAttribute('data-preview-rule').catch(() => null)) === rule &&
    plain(await preview.locator('[data-preview-headline]').textContent().catch(() => '')) === text;
  await amount.fill('150');
  await until('the rule in the preview', () => shows('1', 'PixelQueen is a legend!'));
  assert.equal(await preview.locator('[data-preview-duration]').textContent(), '15s');
  assert.equal(await preview.locator('[data-preview-image]').getAttribute('src'), legend.url ?? `/media/${legend.filename}`);
  assert.match(await preview.locator('[data-preview-sound]').textContent(), /fanfare/);
  await preview.locator('[data-preview-confetti]').waitFor();
  assert.equal(await row.getAttribute('data-matched'), 'true', 'the matching rule is marked');
  await amount.fill('5');
  await until('the defaults in the preview', () => shows('', 'PixelQueen donated $5.00!'));
  assert.equal(await preview.locator('[data-preview-duration]').textContent(), '6s');
  assert.equal(await preview.locator('[data-preview-image]').count(), 0);
  assert.equal(await preview.locator('[data-preview-confetti]').count(), 0);
  assert.match(await preview.locator('[data-preview-match]').textContent(), /No rule matches/);
  await amount.fill('150');
  await until('the rule again', () => shows('1', 'PixelQueen is a legend!'));

  // A note stays a note; a line the daemon refuses is shown on its row, edits kept.
  await dialog.locator('[data-add-note]').click();
  const byKey = async (l) => dialog.locator(`li[data-row-key="${await l.getAttribute('data-row-key')}"]`);
  const note = await byKey(dialog.locator('li[data-row-kind="raw"]').last());
  await note.locator('[data-raw-input]').fill('# big tips first');
  await dialog.locator('[data-add-note]').click();
  const bad = await byKey(dialog.locator('li[data-row-kind="raw"]').last());
  await bad.locator('[data-raw-input]').fill('amount >= 5: sparkles');
  await until('the refused line on its row', async () => /unknown look 'sparkles'/.test((await bad.locator('[data-row-error]').textContent().catch(() => '')) ?? ''));
  await dialog.locator('[data-variations-save]').click();
  await until('not saved', async () => /Not saved: line 3/.test((await dialog.locator('[data-form-error]').textContent().catch(() => '')) ?? ''));
  assert.match(await bad.locator('[data-row-error]').textContent(), /unknown look 'sparkles'/);
  assert.equal(await headline.inputValue(), '{user} is a legend!', 'the edits are still there');
  assert.equal((await t.call('GET', `/api/widgets/${widget}`)).widget_parameters.variations, '', 'nothing saved');

  // Reorder: the note dragged to the top by its grip; the rule down and up again with the
  // buttons; the refused line deleted.
  const kinds = () => dialog.locator('li[data-row-kind]').evaluateAll((ls) => ls.map((l) => l.dataset.rowKind + (l.querySelector('[data-raw-input]')?.value ?? '')));
  await row.locator('[data-row-toggle]').click(); // collapsed: every row in view for the drag
  await row.locator('[data-row-body]').waitFor({ state: 'detached' });
  await note.locator('[data-grip]').dragTo(dialog.locator('li[data-row-kind]').first(), { targetPosition: { x: 40, y: 4 } });
  await until('the note on top', async () => JSON.stringify(await kinds()) === JSON.stringify(['raw# big tips first', 'rule', 'rawamount >= 5: sparkles']));
  await row.locator('[data-move="down"]').click();
  assert.deepEqual(await kinds(), ['raw# big tips first', 'rawamount >= 5: sparkles', 'rule']);
  await row.locator('[data-move="up"]').click();
  assert.deepEqual(await kinds(), ['raw# big tips first', 'rule', 'rawamount >= 5: sparkles']);
  await bad.locator('[data-row-delete]').click();
  await row.locator('[data-row-toggle]').click();
  assert.equal(await row.locator('[data-row-toggle]').getAttribute('aria-expanded'), 'true');
  await until('the preview back: line 2 (after the note) matches', () => shows('2', 'PixelQueen is a legend!'));
  assert.match(await preview.locator('[data-preview-match]').textContent(), /Rule 2 matches/);
  assert.equal(await dialog.locator('[data-preview-error]').count(), 0);

  await animationsSettled(admin);
  await painted(admin);
  await admin.screenshot({ path: join(artifactsDir(), 'alerts-variations.png') });
  await axeClean(admin, 'the variation editor');
  await admin.setViewportSize({ width: 390, height: 844 });
  await painted(admin);
  assert.ok(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth + 1 && d.getBoundingClientRect().right <= 390), 'the editor fits 390 px');
  await admin.screenshot({ path: join(artifactsDir(), 'alerts-variations-390.png') });
  await axeClean(admin, 'the variation editor at 390 px');
  await preview.locator('[data-preview]').scrollIntoViewIfNeeded();
  await painted(admin);
  await admin.screenshot({ path: join(artifactsDir(), 'alerts-variations-390-preview.png') });
  await admin.setViewportSize({ width: 1920, height: 1080 });

  await dialog.locator('[data-variations-save]').click();
  await dialog.waitFor({ state: 'detached' });
  const saved = `# big tips first\namount >= 100: image ${legend.id}, sound ${fanfare.id}, duration 15, confetti, headline "{user} is a legend!"`;
  assert.equal((await t.call('GET', `/api/widgets/${widget}`)).widget_parameters.variations, saved);
  assert.match(await admin.locator(`[data-variations-open="${widget}"]`).getAttribute('aria-label'), /1 rule$/);

  // Reload: the rule and the note are back as they were.
  await admin.reload();
  dialog = await openEditor();
  const back = dialog.locator('li[data-row-kind="rule"]');
  assert.equal(await back.count(), 1);
  assert.match(await back.locator('[data-row-condition]').textContent(), /Amount ≥ 100/);
  assert.equal(await back.locator('[data-field="headline"]').inputValue(), '{user} is a legend!');
  assert.equal(await back.locator('[data-field="duration"]').inputValue(), '15');
  assert.equal(await back.locator('[data-field="confetti"]').isChecked(), true);
  await back.locator(`[data-media-multi="image"] [data-picked="${legend.id}"]`).waitFor();
  assert.equal(await dialog.locator('li[data-row-kind="raw"] [data-raw-input]').inputValue(), '# big tips first');
  // Several images: the pick is random; "Pick again" asks for another.
  await back.locator('[data-media-multi="image"] select').selectOption(String(crown.id));
  await amount.fill('150');
  await preview.locator('[data-preview-shuffle]').waitFor();
  const picks = new Set();
  for (let i = 0; i < 12 && picks.size < 2; i++) {
    await until('a picked image', async () => (await preview.locator('[data-preview-image]').count()) === 1 && !(await preview.locator('[data-preview]').getAttribute('class'))?.includes('opacity'));
    picks.add(await preview.locator('[data-preview-image]').getAttribute('src'));
    await preview.locator('[data-preview-shuffle]').click();
    await admin.waitForTimeout(400);
  }
  assert.deepEqual([...picks].sort(), [legend.url ?? `/media/${legend.filename}`, crown.url ?? `/media/${crown.filename}`].sort(), 'Pick again picks among both images');
  // Unsaved changes are not lost to Escape: it asks first.
  await admin.keyboard.press('Escape');
  await dialog.locator('[data-discard-confirm]').waitFor();
  await dialog.getByRole('button', { name: 'Discard' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await t.call('GET', `/api/widgets/${widget}`)).widget_parameters.variations, saved, 'discarded, not saved');

  // A real donation of 150: the overlay shows the rule's picture and headline.
  const overlay = await t.openOverlay();
  await t.call('POST', '/api/events', { kind: 'donation', user: 'Whale', amount: 150, currency: 'USD', message: 'gg' }, 201);
  const shown = overlay.locator(`${el('headline')}[data-visible="true"]`);
  await until('the donation alert', async () => /Whale is a legend!/.test(plain(await shown.textContent().catch(() => ''))), 20_000);
  await until('the variation image', async () =>
    (await overlay.locator(`${el('visual')} img`).evaluateAll((ls) => ls.map((l) => l.getAttribute('src') ?? ''))).some((s) => s.endsWith(legend.url ?? `/media/${legend.filename}`)));
  await overlay.close();
  await admin.close();
});

test("an alert's Widget Parameters show its variations as a summary that opens the editor, never as raw rules", { timeout: 60_000 }, async () => {
  const dash = (await t.call('POST', '/api/dashboards', { name: 'Param alerts', obs_scene: null }, 201)).id;
  const rules = 'amount >= 5: duration 9\namount >= 50: confetti';
  const widget = (await t.call('POST', '/api/widgets', {
    widget_class: 'DonationAlertWidget', name: 'Param tips', dashboard_ids: [dash], widget_parameters: { queue: 'Params', variations: rules },
  }, 201)).id;
  const admin = await t.browser.newPage();
  await admin.setViewportSize({ width: 1920, height: 1080 });
  await admin.goto(`${t.daemon.base}/admin/#/d/${dash}`);
  const panel = admin.locator('[data-panel]', { has: admin.getByRole('heading', { level: 3, name: 'Param tips', exact: true }) });
  await panel.getByRole('button', { name: 'Widget Parameters' }).click();
  const params = admin.locator('dialog[open]').first();
  const summary = params.locator('[data-variations-summary]');
  await summary.waitFor();
  assert.match(await summary.textContent(), /2 rules/);
  assert.equal(await params.locator('textarea').evaluateAll((ts) => ts.filter((x) => x.value.includes('amount >= 5')).length), 0, 'no raw rules');
  await summary.scrollIntoViewIfNeeded();
  await axeClean(admin, 'the widget parameters of an alert');
  await painted(admin);
  await admin.screenshot({ path: join(artifactsDir(), 'widget-params-variations.png') });

  // The editor opens over the dialog; what it saves shows in the summary and is kept by Save.
  await summary.locator('[data-edit-variations]').click();
  const editor = admin.locator('dialog[open]', { has: admin.locator('[data-variations-editor]') });
  await editor.waitFor();
  await editor.locator('li[data-row-kind="rule"]').nth(1).locator('[data-row-delete]').click();
  await editor.locator('[data-variations-save]').click();
  await editor.waitFor({ state: 'detached' });
  await until('the summary follows', async () => /1 rule:/.test(await summary.textContent()), 10_000);
  await params.getByRole('button', { name: 'Save' }).click();
  await params.waitFor({ state: 'detached' });
  assert.equal((await t.call('GET', `/api/widgets/${widget}`)).widget_parameters.variations, 'amount >= 5: duration 9');
  await admin.close();
});
