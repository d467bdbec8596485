// Issue 14 in real Chromium against the real daemon: what a new streamer tripped over
// (standby runs, failures that looked like successes, daemon wording, trigger spelling,
// small truths, navigation, trying a command without Twitch), plus axe-core on every
// admin page and open dialog at 1920×1080 and 390×844, and keyboard-only use.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { artifactsDir, axeClean, launchBrowser, painted } from './helpers.mjs';

const T = { timeout: 60_000 };
const LIVE = { timeout: 5_000 };

let browser;
let daemon;
let dir;
let page;
const ids = {};

const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);
const panel = (p, name) => p.locator('[data-panel]', { has: p.getByRole('heading', { level: 3, name, exact: true }) });
const feature = (p, widget, name) => panel(p, widget).locator(`[data-feature="${name}"]`);
const dialog = (p) => p.locator('dialog[open]');
async function openAdmin(hash = '', viewport = { width: 1920, height: 1080 }) {
  const p = await browser.newPage();
  await p.setViewportSize(viewport);
  await p.goto(`${daemon.base}/admin/${hash}`);
  await p.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  return p;
}

before(async () => {
  dir = newWorkDir();
  process.env.STAGEHAND__OBS__ENABLED = 'false';
  daemon = await startDaemon(dir);
  browser = await launchBrowser();
  browser.context.setDefaultTimeout(10_000);
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.base });

  ids.main = (await call('POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201)).id;
  ids.brb = (await call('POST', '/api/dashboards', { name: 'Be Right Back', obs_scene: null }, 201)).id;
  ids.confetti = (await call('POST', '/api/widgets', { widget_class: 'ConfettiAlertWidget', name: 'Party', dashboard_ids: [ids.main] }, 201)).id;
  ids.deaths = (await call('POST', '/api/widgets', { widget_class: 'DeathCounterWidget', name: 'Deaths', dashboard_ids: [ids.brb] }, 201)).id;
  await call('POST', `/api/dashboards/${ids.main}/activate`);
});

after(async () => {
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('item 1: running a feature on a standby dashboard says so and offers "Go live and run"', T, async () => {
  page = await openAdmin(`#/d/${ids.brb}`);
  await panel(page, 'Deaths').waitFor();
  await feature(page, 'Deaths', 'increment_deaths').getByRole('button', { name: /^Execute/ }).click();
  const notice = feature(page, 'Deaths', 'increment_deaths').locator('[data-standby]');
  await notice.waitFor(LIVE);
  assert.match(await notice.innerText(), /Not shown on stream\.\s+“Be Right Back” is on standby/);
  // The activity feed: marked as not shown when the daemon says so (`subject.live`).
  const [entry] = await call('GET', '/api/audit?limit=1');
  if (entry.subject && entry.subject.live === false) {
    await page.locator(`[data-audit-id="${entry.id}"][data-not-shown]`).waitFor(LIVE);
  }
  await painted(page);
  await page.locator('[data-feature="increment_deaths"]').screenshot({ path: join(artifactsDir(), 'admin-standby-prompt.png') });
  await page.screenshot({ path: join(artifactsDir(), 'admin-standby-page.png') });

  await notice.getByRole('button', { name: 'Go live and run' }).click();
  await notice.waitFor({ state: 'detached', ...LIVE });
  const status = await call('GET', '/api/status');
  assert.equal(status.active_dashboard_id, ids.brb, 'the dashboard went live');
  const w = await call('GET', `/api/widgets/${ids.deaths}`);
  assert.equal(w.elements.find((e) => e.name === 'death_count').properties.value, 2, 'ran once on standby, once live');
  await call('POST', `/api/dashboards/${ids.main}/activate`);
});

test('item 2: failures in the activity feed look like failures, with the daemon\'s message', T, async () => {
  await call('POST', '/api/commands', { trigger: '!confetti', widget_id: ids.confetti, feature: 'trigger_blast' }, 201);
  const dup = await call('POST', '/api/commands', { trigger: '!Confetti', widget_id: ids.confetti, feature: 'trigger_blast' }, 409);
  const [entry] = await call('GET', '/api/audit?limit=1');
  assert.equal(entry.ok, false);
  const row = page.locator(`[data-audit-id="${entry.id}"]`);
  await row.waitFor(LIVE);
  assert.equal(await row.getAttribute('data-failed'), 'true');
  const text = await row.innerText();
  assert.match(text, /Could not create chat command\s+!confetti/);
  assert.ok(text.includes(dup.error.message), 'the server message is shown');
  assert.ok(!/Created chat command/.test(text));
  // A failed run, too.
  await call('POST', `/api/widgets/${ids.confetti}/execute`, { feature: 'trigger_blast', parameters: { intensity: 'Low', color: 'notacolor' } }, 422);
  const [run] = await call('GET', '/api/audit?limit=1');
  const runRow = page.locator(`[data-audit-id="${run.id}"]`);
  await runRow.waitFor(LIVE);
  assert.match(await runRow.innerText(), /Could not run/);
  await painted(page);
  await page.locator('[data-activity]').screenshot({ path: join(artifactsDir(), 'admin-activity-failure.png') });
});

test('item 3: required fields are marked; Execute says what is missing before sending', T, async () => {
  await page.goto(`${daemon.base}/admin/#/d/${ids.main}`);
  const blast = feature(page, 'Party', 'trigger_blast');
  await blast.waitFor();
  const field = blast.locator('[data-field="intensity"]');
  await field.locator('.tag-required').waitFor();
  const before = (await call('GET', '/api/audit?limit=1'))[0].id;
  const intensity = blast.getByLabel('Intensity');
  if ((await intensity.inputValue()) !== '') await intensity.selectOption('');
  await blast.getByRole('button', { name: /^Execute/ }).click();
  await blast.locator('[data-error-for="intensity"]', { hasText: 'Intensity is required' }).waitFor(LIVE);
  await blast.getByText('Fill in Intensity first.').waitFor();
  assert.equal((await call('GET', '/api/audit?limit=1'))[0].id, before, 'nothing was sent');
  // The daemon's words are turned into people's words.
  await intensity.selectOption('Low');
  await blast.getByLabel('Color', { exact: true }).fill('notacolor');
  await blast.getByRole('button', { name: /^Execute/ }).click();
  const msg = await blast.locator('[data-error-for="color"]').innerText();
  assert.match(msg, /^Color must be a color/);
  // Named colours are read by the browser's own CSS parser.
  await blast.getByLabel('Color', { exact: true }).fill('rebeccapurple');
  await blast.locator('[data-hint-for="color"]').waitFor({ state: 'detached' });
  assert.equal(await blast.locator('input[type="color"]').inputValue(), '#663399');
  await blast.getByLabel('Color', { exact: true }).fill('#FF5733');
});

test('item 4: a trigger without ! is stored and shown as !trigger everywhere', T, async () => {
  const c = await call('POST', '/api/commands', { trigger: 'Boom', aliases: ['pop'], widget_id: ids.confetti, feature: 'trigger_blast', args: { intensity: 'High' } }, 201);
  assert.equal(c.trigger, '!boom');
  assert.deepEqual(c.aliases, ['!pop']);
  assert.ok(c.usage.startsWith('!boom'), c.usage);
  const patched = await call('PATCH', `/api/commands/${c.id}`, { trigger: 'bang' });
  assert.equal(patched.trigger, '!bang');
  await page.goto(`${daemon.base}/admin/#/commands`);
  const card = page.locator(`[data-command-id="${c.id}"]`);
  await card.waitFor();
  assert.match(await card.innerText(), /^!bang/);
  assert.match(await card.locator('[data-usage]').innerText(), /Usage: !bang/);
  ids.bang = c.id;
});

test('item 6: small truths (unknown when unreachable, visible count, no 503 noise)', T, async () => {
  const p = await openAdmin(`#/d/${ids.main}`);
  await panel(p, 'Party').waitFor();
  assert.match(await panel(p, 'Party').getByRole('button', { name: /^Elements/ }).textContent(), /\d+\/\d+ visible/);
  // Open the dashboard dialog with OBS off: no request that can only fail.
  await p.getByRole('button', { name: 'Dashboard settings' }).click();
  await dialog(p).getByText('OBS is not connected').waitFor();
  await dialog(p).getByRole('button', { name: 'Close dialog' }).click();
  assert.deepEqual(p.logs.filter((l) => /503|Failed to load resource/.test(l)), [], 'no failed requests logged');
  // The daemon stops answering: the header does not keep stale numbers.
  await p.route('**/api/status', (r) => r.abort());
  await p.locator('[data-status="overlays"]', { hasText: '?' }).waitFor({ timeout: 10_000 });
  assert.equal(await p.locator('[data-status="overlays"]').getAttribute('data-tone'), 'off');
  await p.unroute('**/api/status');
  await p.locator('[data-status="overlays"]', { hasNotText: '?' }).waitFor({ timeout: 10_000 });
  await p.close();
});

test('item 7: unknown routes show a not-found view; "Copy overlay URL" copies the browser source address', T, async () => {
  await page.goto(`${daemon.base}/admin/#/nowhere`);
  await page.locator('[data-not-found]').waitFor();
  await page.getByRole('heading', { level: 1, name: 'No such page' }).waitFor();
  assert.match(await page.locator('[data-not-found]').innerText(), /#\/nowhere/);
  await axeClean(page, 'the not-found page');
  await page.locator('[data-not-found]').getByRole('link', { name: 'Dashboards' }).click();
  await page.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();
  const copy = page.locator('[data-copy-overlay-url]').first();
  assert.match(await copy.getAttribute('title'), /1920×1080/);
  await copy.click();
  await page.getByRole('button', { name: 'Copied overlay URL' }).first().waitFor(LIVE);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${daemon.base}/overlay/`);
});

test('item 8: "Test command" runs the real chat logic without Twitch; runs for real only when asked', T, async () => {
  const mod = await call('POST', '/api/commands', { trigger: '!mods', widget_id: ids.confetti, feature: 'trigger_blast', args: { intensity: 'Low' }, permission: 'moderator' }, 201);
  // The endpoint itself: bad input names the field.
  assert.equal((await call('POST', '/api/commands/test', { line: '', role: 'everyone' }, 422)).error.field, 'line');
  assert.equal((await call('POST', '/api/commands/test', { line: '!x', role: 'king' }, 422)).error.field, 'role');
  const denied = await call('POST', '/api/commands/test', { line: '!mods', role: 'vip' });
  assert.equal(denied.outcome, 'denied');
  assert.equal(denied.reply, null);
  const bad = await call('POST', '/api/commands/test', { line: '!confetti loud', role: 'everyone', user: 'Ada' });
  assert.equal(bad.outcome, 'invalid');
  assert.match(bad.reply, /^@Ada usage: !confetti/);
  assert.equal((await call('POST', '/api/commands/test', { line: 'hello chat', role: 'everyone' })).outcome, 'not_a_command');
  const auditBefore = (await call('GET', '/api/audit?limit=1'))[0].id;

  await page.goto(`${daemon.base}/admin/#/commands`);
  const box = page.locator('[data-command-tester]');
  await box.waitFor();
  await box.getByLabel('Chat line').fill('!bang red');
  await box.getByLabel('As').selectOption('everyone');
  await box.getByRole('button', { name: 'Test', exact: true }).click();
  const out = box.locator('[data-outcome="run"]');
  await out.waitFor(LIVE);
  assert.match(await out.locator('[data-test-call]').innerText(), /Trigger Confetti Blast on Party/);
  assert.match(await out.locator('[data-test-call]').innerText(), /intensity=High/);
  assert.match(await out.locator('[data-test-reply]').innerText(), /Nothing/);
  assert.equal((await call('GET', '/api/audit?limit=1'))[0].id, auditBefore, 'a test does not run anything');

  await box.getByLabel('Chat line').fill('!mods');
  await box.getByRole('button', { name: 'Test', exact: true }).click();
  await box.locator('[data-outcome="denied"]').waitFor(LIVE);
  await box.getByLabel('As').selectOption('moderator');
  await box.getByRole('button', { name: 'Run for real' }).click();
  await box.locator('[data-outcome="run"] [data-test-executed]').waitFor(LIVE);
  const [ran] = await call('GET', '/api/audit?limit=1');
  assert.equal(ran.action, 'execute');
  assert.equal(ran.ok, true);
  assert.ok(mod.id > 0);
  await painted(page);
  await box.screenshot({ path: join(artifactsDir(), 'admin-command-tester.png') });
});

test('item 9: keyboard only: reach and run a feature, open and close a dialog, focus always visible', T, async () => {
  const p = await openAdmin(`#/d/${ids.main}`);
  await panel(p, 'Party').waitFor();
  const target = 'Execute Trigger Confetti Blast';
  let found = false;
  for (let i = 0; i < 80 && !found; i++) {
    await p.keyboard.press('Tab');
    const info = await p.evaluate(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return null;
      const cs = getComputedStyle(a);
      const visible = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      return { label: a.getAttribute('aria-label') ?? a.textContent?.trim() ?? '', visible, tag: a.tagName, html: a.outerHTML.slice(0, 100) };
    });
    if (!info) continue;
    assert.ok(info.visible, `focus is visible on ${info.html}`);
    if (info.label === target) found = true;
  }
  assert.ok(found, 'Execute is reachable with Tab');
  const before = (await call('GET', '/api/audit?limit=1'))[0].id;
  await p.keyboard.press('Enter');
  await p.waitForFunction(async ([base, id]) => (await (await fetch(`${base}/api/audit?limit=1`)).json())[0].id > id, [daemon.base, before], LIVE);
  // A dialog from the keyboard: the shortcut help (?), closed with Escape.
  await p.locator('body').press('?');
  await dialog(p).waitFor();
  await p.keyboard.press('Escape');
  await dialog(p).waitFor({ state: 'detached' });
  await p.close();
});

for (const viewport of [{ width: 1920, height: 1080 }, { width: 390, height: 844 }]) {
  test(`item 9: axe-core finds no violations on every admin page and dialog at ${viewport.width}×${viewport.height}`, T, async () => {
    const p = await openAdmin(`#/d/${ids.main}`, viewport);
    await panel(p, 'Party').waitFor();
    await axeClean(p, 'the dashboards page');

    const dialogs = [
      ['the dashboard settings dialog', () => p.getByRole('button', { name: 'Dashboard settings' }).click()],
      ['the add widget dialog', () => p.getByRole('button', { name: 'Add widget' }).first().click()],
      ['the widget parameters dialog', () => panel(p, 'Party').getByRole('button', { name: 'Widget Parameters' }).click()],
      ['the elements dialog', () => panel(p, 'Party').getByRole('button', { name: /^Elements/ }).click()],
      ['the create dashboard dialog', () => p.getByRole('button', { name: /New dashboard/ }).first().click()],
      ['the shortcut help', () => p.getByRole('button', { name: 'Keyboard shortcuts' }).click()],
    ];
    for (const [what, open] of dialogs) {
      await open();
      await dialog(p).waitFor();
      await axeClean(p, what);
      await p.keyboard.press('Escape');
      await dialog(p).waitFor({ state: 'detached' });
    }

    await p.goto(`${daemon.base}/admin/#/commands`);
    await p.locator('[data-command-tester]').waitFor();
    await axeClean(p, 'the chat commands page');
    await p.getByRole('button', { name: 'New command' }).click();
    await dialog(p).waitFor();
    await axeClean(p, 'the command dialog');
    await p.keyboard.press('Escape');
    await dialog(p).waitFor({ state: 'detached' });
    await p.locator(`[data-command-id="${ids.bang}"]`).getByRole('button', { name: /^Delete/ }).click();
    await dialog(p).waitFor();
    await axeClean(p, 'the confirm dialog');
    await p.keyboard.press('Escape');

    await p.goto(`${daemon.base}/admin/#/nowhere`);
    await p.locator('[data-not-found]').waitFor();
    await axeClean(p, 'the not-found page');
    await p.close();
  });
}
