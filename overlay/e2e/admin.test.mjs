// End-to-end: the real daemon (fresh, empty data dir) + the built admin page in headless
// Chromium, driven like a streamer would: create a dashboard, bind a scene, add confetti
// from the library, tune it, fire it, and watch an overlay tab and a second admin tab.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { artifactsDir, el, launchBrowser, OVERLAY_DIR } from './helpers.mjs';

const T = { timeout: 30_000 };
/** Generous: a change must show up "within a second"; the measured time is reported. */
const LIVE = { timeout: 5_000 };

let browser;
let daemon;
let dir;
/** The main admin tab. */
let admin;
/** The overlay page in a second tab, with every frame it received. */
let overlay;
const overlayFrames = [];
const ids = {};

const call = (method, path, body, expect) => api(daemon.base, method, path, body, expect);
const panel = (page, name) => page.locator('[data-panel]', { has: page.getByRole('heading', { level: 3, name, exact: true }) });
const feature = (page, widget, name) => panel(page, widget).locator(`[data-feature="${name}"]`);
const dialog = (page) => page.locator('dialog[open]');

async function openAdmin(viewport) {
  const page = await browser.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${daemon.base}/admin/`);
  await page.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  return page;
}

async function newestAudit() {
  const [entry] = await call('GET', '/api/audit?limit=1');
  return entry;
}

async function widgetByName(name) {
  const all = await call('GET', '/api/widgets');
  const w = all.find((x) => x.name === name);
  assert.ok(w, `widget ${name} exists`);
  return w;
}

const elementOf = (w, name) => w.elements.find((e) => e.name === name);

/** Form controls without an accessible label (should be none). */
const unlabeled = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((c) => !c.labels?.length && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby'))
      .map((c) => c.outerHTML.slice(0, 120)),
  );

/** Waits for two painted frames: the page has rendered what it has. */
const painted = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

before(async () => {
  dir = newWorkDir();
  // No OBS on this machine: the daemon reports it as disabled and the scene is typed.
  process.env.STAGEHAND__OBS__ENABLED = 'false';
  daemon = await startDaemon(dir);
  const local = join(OVERLAY_DIR, 'dist/admin/index.html');
  const served = await (await fetch(`${daemon.base}/admin/`)).text();
  if (existsSync(local) && readFileSync(local, 'utf8') !== served) {
    console.log('note: the daemon serves an admin build other than overlay/dist (rebuild the daemon to test the current page)');
  }
  browser = await launchBrowser();
  // A stuck step fails with its own message instead of the test's timeout.
  browser.context.setDefaultTimeout(10_000);
});

after(async () => {
  for (const p of [admin, overlay]) {
    const errors = (p?.logs ?? []).filter((l) => l.startsWith('[pageerror]'));
    if (errors.length) console.log(`page errors:\n  ${errors.join('\n  ')}`);
  }
  await browser?.close();
  await daemon?.stop();
  if (dir && !process.env.STAGEHAND_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

test('the admin page loads at /admin/, and / leads there', T, async () => {
  const res = await fetch(`${daemon.base}/`, { redirect: 'manual' });
  assert.ok([301, 302, 303, 307, 308].includes(res.status), `/ redirects (got ${res.status})`);
  assert.equal(res.headers.get('location'), '/admin/');

  admin = await openAdmin();
  assert.equal(await admin.title(), 'stagehand · show control');
  // Empty data dir: the first-run card invites to create a dashboard.
  await admin.getByRole('heading', { name: 'Set up your first dashboard' }).waitFor();
  // Status bar: OBS is disabled in this daemon, Twitch too.
  assert.match(await admin.locator('[data-status="obs"]').innerText(), /OBS\s+Off/);
  assert.match(await admin.locator('[data-status="twitch"]').innerText(), /Twitch\s+Off/);
  // No Vue in the overlay bundle.
  const overlayHtml = await (await fetch(`${daemon.base}/overlay/`)).text();
  for (const src of overlayHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)) {
    const js = await (await fetch(daemon.base + src[1])).text();
    assert.ok(!js.includes('__VUE'), `${src[1]} must not contain Vue`);
  }
});

test('create a dashboard, bind a scene, add a ConfettiAlertWidget, tune it, fire it: the overlay shows it', T, async () => {
  // -- dashboard with a scene (typed: OBS is not connected)
  await admin.getByRole('button', { name: 'Create dashboard' }).click();
  const d = dialog(admin);
  await d.getByLabel('Name').fill('Main Stream');
  const scene = d.getByLabel('OBS scene');
  assert.equal(await scene.evaluate((n) => n.tagName), 'INPUT', 'free text while OBS is absent');
  await d.getByText('OBS is not connected').waitFor();
  await scene.fill('Gameplay');
  await d.getByRole('button', { name: 'Create dashboard' }).click();
  await d.waitFor({ state: 'detached' });
  await admin.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();
  await admin.locator('[data-scene-chip]', { hasText: 'Gameplay' }).waitFor();
  const [dash] = await call('GET', '/api/dashboards');
  assert.equal(dash.name, 'Main Stream');
  assert.equal(dash.obs_scene, 'Gameplay');
  ids.main = dash.id;

  // -- go live (one click); the tab says LIVE
  await admin.locator('[data-go-live]').click();
  await admin.locator('[data-on-air]').waitFor();
  await admin.locator('[data-dashboard-tab][data-active="true"]', { hasText: 'Main Stream' }).waitFor();
  assert.equal((await call('GET', '/api/status')).active_dashboard_id, ids.main);

  // -- add confetti from the library (with its description)
  await admin.getByRole('button', { name: 'Add widget' }).first().click();
  const add = dialog(admin);
  const card = add.locator('[data-widget-class="ConfettiAlertWidget"]');
  await card.getByText('confetti explosion').waitFor();
  await card.click();
  await add.getByLabel(/^Name for the new/).fill('Party Confetti');
  await add.getByRole('button', { name: 'Add to Main Stream' }).click();
  await add.waitFor({ state: 'detached' });
  await panel(admin, 'Party Confetti').waitFor();

  // -- the overlay, in a second tab, has the (hidden) burst
  overlay = await browser.newPage();
  overlay.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      try {
        if (typeof payload !== 'string') overlayFrames.push(decode(payload));
      } catch {
        // not ours to judge here
      }
    }),
  );
  await overlay.goto(`${daemon.base}/overlay/`);
  await overlay.waitForSelector(`${el('confetti_burst')}[data-visible="false"]`, { state: 'attached', timeout: 15_000 });
  // The status bar counts it (status is polled every few seconds).
  await admin.locator('[data-status="overlays"]', { hasText: /Overlays\s*[1-9]/ }).waitFor({ timeout: 10_000 });

  // -- [Widget Parameters]: particle_count 250
  await panel(admin, 'Party Confetti').getByRole('button', { name: 'Widget Parameters' }).click();
  const params = dialog(admin);
  assert.deepEqual(await unlabeled(admin), [], 'every input in the parameters dialog has a label');
  const count = params.getByLabel('Particle count', { exact: true });
  assert.equal(await count.inputValue(), '100', 'default pre-filled');
  await count.fill('250');
  await params.getByRole('button', { name: 'Save' }).click();
  await params.waitFor({ state: 'detached' });
  let w = await widgetByName('Party Confetti');
  assert.equal(w.widget_parameters.particle_count, 250);
  ids.confetti = w.id;
  const triggerBefore = elementOf(w, 'confetti_burst').properties.trigger_id;

  // -- trigger_blast: intensity High, a picked color
  const blast = feature(admin, 'Party Confetti', 'trigger_blast');
  assert.equal(await blast.getByLabel('Color', { exact: true }).inputValue(), '#FF5733', 'color default pre-filled');
  await blast.getByLabel('Intensity').selectOption('High');
  await blast.getByLabel('Color: pick a color').fill('#00ff88');
  assert.equal(await blast.getByLabel('Color', { exact: true }).inputValue(), '#00FF88');
  await blast.getByRole('button', { name: 'Execute Trigger Confetti Blast' }).click();

  await overlay.waitForSelector(`${el('confetti_burst')}[data-visible="true"]`, { state: 'attached', ...LIVE });
  // The overlay got exactly those values.
  const update = overlayFrames.findLast((f) => f.type === 'element_update' && f.element?.name === 'confetti_burst' && f.element.visible);
  assert.ok(update, 'overlay received the burst');
  assert.equal(update.element.properties.intensity, 'High');
  assert.equal(update.element.properties.particle_count, 250);
  assert.equal(update.element.properties.colors[0], '#00FF88');
  // And the API agrees.
  w = await widgetByName('Party Confetti');
  const burst = elementOf(w, 'confetti_burst');
  assert.equal(burst.properties.intensity, 'High');
  assert.equal(burst.properties.particle_count, 250);
  assert.equal(burst.properties.colors[0], '#00FF88');
  assert.ok(burst.properties.trigger_id > triggerBefore);
  const entry = await newestAudit();
  assert.equal(entry.action, 'execute');
  assert.deepEqual(entry.params, { intensity: 'High', color: '#00FF88' });
  // The button confirms, the activity feed lists it.
  await blast.getByRole('button', { name: 'Execute Trigger Confetti Blast' }).getByText('Sent').waitFor(LIVE);
  await admin.locator('[data-activity] li', { hasText: 'Trigger Confetti Blast' }).first().waitFor(LIVE);
  await overlay.screenshot({ path: join(artifactsDir(), 'admin-overlay-confetti.png') });
});

test('two admin tabs: a change in one shows in the other without a reload', T, async (t) => {
  const second = await openAdmin();
  await second.evaluate(() => {
    window.__sameDocument = true;
  });
  await second.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();

  // A new dashboard created in tab 1 appears as a tab in tab 2.
  await admin.getByRole('button', { name: 'New dashboard' }).click();
  const d = dialog(admin);
  await d.getByLabel('Name').fill('Be Right Back');
  let t0 = Date.now();
  await d.getByRole('button', { name: 'Create dashboard' }).click();
  await second.locator('[data-dashboard-tab]', { hasText: 'Be Right Back' }).waitFor(LIVE);
  t.diagnostic(`new dashboard seen in the other tab after ${Date.now() - t0} ms`);

  // Tab 1 goes live with it: tab 2's LIVE badge moves.
  await admin.getByRole('heading', { level: 1, name: 'Be Right Back' }).waitFor();
  t0 = Date.now();
  await admin.locator('[data-go-live]').click();
  await second.locator('[data-dashboard-tab][data-active="true"]', { hasText: 'Be Right Back' }).waitFor(LIVE);
  t.diagnostic(`activation seen in the other tab after ${Date.now() - t0} ms`);

  // Keyboard: "1" in tab 2 puts Main Stream back on air; tab 1 follows.
  await second.locator('body').click({ position: { x: 5, y: 300 } });
  await second.keyboard.press('1');
  await admin.locator('[data-dashboard-tab][data-active="true"]', { hasText: 'Main Stream' }).waitFor(LIVE);
  assert.equal((await call('GET', '/api/status')).active_dashboard_id, ids.main);

  // A renamed widget (tab 2's parameters dialog) is renamed in tab 1.
  await admin.locator('[data-dashboard-tab]', { hasText: 'Main Stream' }).click();
  await panel(admin, 'Party Confetti').waitFor();
  await second.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();
  await panel(second, 'Party Confetti').getByRole('button', { name: 'Widget Parameters' }).click();
  await dialog(second).getByLabel('Widget name').fill('Birthday Confetti');
  t0 = Date.now();
  await dialog(second).getByRole('button', { name: 'Save' }).click();
  await panel(admin, 'Birthday Confetti').waitFor(LIVE);
  t.diagnostic(`rename seen in the other tab after ${Date.now() - t0} ms`);

  // An execute in tab 1 shows up in tab 2's activity feed.
  await feature(admin, 'Birthday Confetti', 'stop_confetti').getByRole('button', { name: /^Execute/ }).click();
  await second.locator('[data-activity] li', { hasText: 'Stop Confetti' }).first().waitFor(LIVE);

  assert.equal(await second.evaluate(() => window.__sameDocument), true, 'tab 2 was never reloaded');
  await second.close();
});

test('invalid input shows the daemon\'s message beside the field, and nothing executes', T, async () => {
  // A bad color typed as text.
  const blast = feature(admin, 'Birthday Confetti', 'trigger_blast');
  let w = await widgetByName('Birthday Confetti');
  const before = elementOf(w, 'confetti_burst').properties.trigger_id;
  await blast.getByLabel('Intensity').selectOption('Low');
  await blast.getByLabel('Color', { exact: true }).fill('notacolor');
  // While typing, a local hint; it is not the daemon's verdict.
  await blast.locator('[data-hint-for="color"]').waitFor();
  await blast.getByRole('button', { name: /^Execute/ }).click();
  const colorError = blast.locator('[data-error-for="color"]');
  await colorError.waitFor(LIVE);
  const direct = await call('POST', `/api/widgets/${ids.confetti}/execute`, { feature: 'trigger_blast', parameters: { intensity: 'Low', color: 'notacolor' } }, 422);
  assert.equal(direct.error.field, 'parameters.color');
  // The daemon's message, in people's words: the field's label instead of its id.
  assert.equal((await colorError.innerText()).trim(), direct.error.message.replace("parameter 'color'", 'Color'));
  assert.equal(await blast.getByLabel('Color', { exact: true }).getAttribute('aria-invalid'), 'true');
  w = await widgetByName('Birthday Confetti');
  assert.equal(elementOf(w, 'confetti_burst').properties.trigger_id, before, 'nothing executed');
  const audit = await call('GET', '/api/audit?limit=2');
  assert.ok(audit.every((e) => !e.ok && e.action === 'execute'), 'both attempts were rejected');

  // An out-of-range number in a number input (Donation Goal's amount).
  const goal = await call('POST', '/api/widgets', { widget_class: 'DonationGoalWidget', name: 'Monthly Goal', dashboard_ids: [ids.main] }, 201);
  const add = feature(admin, 'Monthly Goal', 'add_donation');
  await add.waitFor(LIVE); // arrived through the admin WebSocket, no reload
  await add.getByLabel('Amount').fill('-5');
  await add.getByRole('button', { name: /^Execute/ }).click();
  const amountError = add.locator('[data-error-for="amount"]');
  await amountError.waitFor(LIVE);
  const direct2 = await call('POST', `/api/widgets/${goal.id}/execute`, { feature: 'add_donation', parameters: { amount: -5 } }, 422);
  assert.equal((await amountError.innerText()).trim(), direct2.error.message.replace("parameter 'amount'", 'Amount'), 'the daemon\'s words, with the label');
  assert.match(direct2.error.message, /amount/);
  assert.equal((await widgetByName('Monthly Goal')).state.current, 0, 'nothing executed');

  // Fixing it clears the message and runs.
  await add.getByLabel('Amount').fill('25');
  await amountError.waitFor({ state: 'detached' });
  await add.getByRole('button', { name: /^Execute/ }).click();
  await add.getByText('Sent').waitFor(LIVE);
  assert.equal((await widgetByName('Monthly Goal')).state.current, 25);
  await blast.getByLabel('Color', { exact: true }).fill('#FFC83D');
  await colorError.waitFor({ state: 'detached' });
});

test('a feature bound to a key fires from the keyboard, and the binding is remembered', T, async () => {
  const stop = feature(admin, 'Birthday Confetti', 'stop_confetti');
  await stop.getByRole('button', { name: /keyboard shortcut/ }).click();
  await admin.keyboard.press('s');
  await stop.locator('kbd', { hasText: 'S' }).waitFor();
  const last = (await newestAudit()).id;
  await admin.locator('body').click({ position: { x: 5, y: 300 } });
  await admin.keyboard.press('s');
  await admin.waitForFunction(
    async ([base, id]) => {
      const [e] = await (await fetch(`${base}/api/audit?limit=1`)).json();
      return e.id > id && e.action === 'execute' && e.target.endsWith('.stop_confetti');
    },
    [daemon.base, last],
    LIVE,
  );
  await admin.reload();
  await feature(admin, 'Birthday Confetti', 'stop_confetti').locator('kbd', { hasText: 'S' }).waitFor();
});

test('elements dialog: read-only names, visibility and placement', T, async () => {
  await panel(admin, 'Birthday Confetti').getByRole('button', { name: /^Elements/ }).click();
  const d = dialog(admin);
  const particle = d.locator('[data-element="confetti_particle"]');
  const name = particle.getByLabel("Name (can't be changed)");
  assert.equal(await name.inputValue(), 'confetti_particle');
  assert.equal(await name.getAttribute('readonly'), '');
  await particle.getByLabel('X', { exact: true }).fill('100');
  await particle.getByLabel('Opacity').fill('0.5');
  await particle.getByRole('button', { name: 'Save confetti_particle' }).click();
  await particle.getByRole('button', { name: 'Save confetti_particle' }).waitFor({ state: 'detached' });
  const p = elementOf(await widgetByName('Birthday Confetti'), 'confetti_particle');
  assert.equal(p.properties.position.x, 100);
  assert.equal(p.properties.position.y, 412, 'the rest of position is kept');
  assert.equal(p.properties.opacity, 0.5);
  assert.deepEqual(await unlabeled(admin), [], 'every input in the elements dialog has a label');
  await particle.getByRole('switch').check();
  await overlay.waitForSelector(`${el('confetti_particle')}[data-visible="true"]`, { state: 'attached', ...LIVE });
  await particle.getByRole('switch').uncheck();
  await overlay.waitForSelector(`${el('confetti_particle')}[data-visible="false"]`, { state: 'attached', ...LIVE });
  await d.getByRole('button', { name: 'Done' }).click();
});

test('drag and drop reorders widget panels (and the order is stored)', T, async () => {
  const order = async () => (await call('GET', `/api/dashboards/${ids.main}`)).widgets.map((w) => w.name);
  /** The daemon has stored this order (the page moves the panel at once, the PATCH follows). */
  const stored = (names) =>
    admin.waitForFunction(
      async ([base, id, want]) => {
        const d = await (await fetch(`${base}/api/dashboards/${id}`)).json();
        return JSON.stringify(d.widgets.map((w) => w.name)) === JSON.stringify(want);
      },
      [daemon.base, ids.main, names],
      LIVE,
    );
  assert.deepEqual(await order(), ['Birthday Confetti', 'Monthly Goal']);
  const grip = panel(admin, 'Monthly Goal').getByRole('button', { name: /^Reorder Monthly Goal/ });
  await grip.dragTo(panel(admin, 'Birthday Confetti'));
  await admin.waitForFunction(() => document.querySelector('[data-panel] h3')?.textContent === 'Monthly Goal', null, LIVE);
  await stored(['Monthly Goal', 'Birthday Confetti']);
  // Keyboard alternative on the same handle.
  await panel(admin, 'Monthly Goal').getByRole('button', { name: /^Reorder Monthly Goal/ }).press('ArrowDown');
  await admin.waitForFunction(() => document.querySelector('[data-panel] h3')?.textContent === 'Birthday Confetti', null, LIVE);
  await stored(['Birthday Confetti', 'Monthly Goal']);
});

test('dashboard settings: rename, move the tab, delete with confirmation', T, async () => {
  await admin.locator('[data-dashboard-tab]', { hasText: 'Be Right Back' }).click();
  await admin.getByRole('heading', { level: 1, name: 'Be Right Back' }).waitFor();
  await admin.getByRole('button', { name: 'Dashboard settings' }).click();
  let d = dialog(admin);
  await d.getByLabel('Name').fill('BRB');
  await d.getByRole('button', { name: 'Move left' }).click();
  await admin.waitForFunction(() => document.querySelector('[data-dashboard-tab]')?.textContent?.includes('Be Right Back'), null, LIVE);
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  await admin.getByRole('heading', { level: 1, name: 'BRB' }).waitFor();
  let list = await call('GET', '/api/dashboards');
  assert.deepEqual(list.map((x) => x.name), ['BRB', 'Main Stream']);

  // Share an existing widget with this dashboard (same widget, same state).
  await admin.getByRole('button', { name: 'Add widget' }).first().click();
  const add = dialog(admin);
  await add.getByRole('tab', { name: /Existing widget/ }).click();
  await add.getByText('on Main Stream').first().waitFor();
  await add.getByRole('button', { name: 'Add Birthday Confetti' }).click();
  await add.waitFor({ state: 'detached' });
  await panel(admin, 'Birthday Confetti').waitFor();
  const brb = (await call('GET', '/api/dashboards')).find((x) => x.name === 'BRB');
  assert.deepEqual(brb.widget_ids, [ids.confetti]);
  assert.deepEqual((await call('GET', `/api/widgets/${ids.confetti}`)).dashboard_ids.sort(), [brb.id, ids.main].sort());

  await admin.getByRole('button', { name: 'Dashboard settings' }).click();
  d = dialog(admin);
  await d.getByRole('button', { name: 'Delete…' }).click();
  await d.getByText('Delete “BRB”?').waitFor();
  await d.getByRole('button', { name: 'Keep it' }).click();
  assert.equal((await call('GET', '/api/dashboards')).length, 2, 'kept');
  await d.getByRole('button', { name: 'Delete…' }).click();
  await d.getByRole('button', { name: 'Delete dashboard' }).click();
  await d.waitFor({ state: 'detached' });
  await admin.locator('[data-dashboard-tab]', { hasText: 'BRB' }).waitFor({ state: 'detached' });
  list = await call('GET', '/api/dashboards');
  assert.deepEqual(list.map((x) => x.name), ['Main Stream']);
  await admin.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();
});

test('chat commands: create one with a preset, see the usage viewers get, switch it off', T, async (t) => {
  if ((await fetch(`${daemon.base}/api/commands`)).status === 404) {
    t.skip('this daemon has no /api/commands');
    return;
  }
  await admin.getByRole('link', { name: 'Chat commands' }).click();
  await admin.getByRole('heading', { level: 1, name: 'Chat commands' }).waitFor();
  await admin.getByRole('button', { name: 'New command' }).click();
  const d = dialog(admin);
  await d.getByLabel('Trigger').fill('!party');
  await d.getByLabel('Aliases').fill('!boom, !pop');
  await d.getByLabel('Widget').selectOption({ label: 'Birthday Confetti (Confetti Alert)' });
  await d.getByLabel('Feature').selectOption({ label: 'Trigger Confetti Blast' });
  await d.getByLabel('Intensity').selectOption('High');
  await d.getByLabel('Who can use it').selectOption('moderator');
  await d.getByLabel('Cooldown, everyone (s)').fill('soon');
  await d.getByText('!party [color]').waitFor(); // the preset is not asked for
  assert.deepEqual(await unlabeled(admin), [], 'every input in the command editor has a label');
  await d.getByRole('button', { name: 'Create command' }).click();
  // The daemon's message, beside the field it is about.
  await d.locator('[role="alert"]', { hasText: 'cooldown_global_s' }).waitFor(LIVE);
  assert.equal(await d.getByLabel('Cooldown, everyone (s)').getAttribute('aria-invalid'), 'true');
  await d.getByLabel('Cooldown, everyone (s)').fill('30');
  await d.getByRole('button', { name: 'Create command' }).click();
  await d.waitFor({ state: 'detached' });

  const [cmd] = await call('GET', '/api/commands');
  assert.equal(cmd.trigger, '!party');
  assert.deepEqual(cmd.aliases, ['!boom', '!pop']);
  assert.equal(cmd.widget_id, ids.confetti);
  assert.equal(cmd.feature, 'trigger_blast');
  assert.deepEqual(cmd.args, { intensity: 'High' });
  assert.equal(cmd.permission, 'moderator');
  assert.equal(cmd.cooldown_global_s, 30);
  const card = admin.locator(`[data-command-id="${cmd.id}"]`);
  await card.waitFor();
  assert.equal(await card.locator('[data-usage]').innerText(), `Usage: ${cmd.usage ?? '!party [color]'}`);
  if (cmd.usage) assert.equal(cmd.usage, '!party [color]', 'the editor previewed what the daemon tells viewers');
  await card.getByText('Moderators').waitFor();

  await card.getByRole('switch', { name: '!party enabled' }).uncheck();
  await admin.waitForFunction(async ([base, id]) => {
    const list = await (await fetch(`${base}/api/commands`)).json();
    return list.find((c) => c.id === id)?.enabled === false;
  }, [daemon.base, cmd.id], LIVE);
  await admin.getByRole('link', { name: 'Dashboards' }).click();
  await admin.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();
});

test('screenshots of the dashboard page at 1920×1080 and 390×844', T, async () => {
  // A realistic show: a few scenes around the main one.
  const soon = await call('POST', '/api/dashboards', { name: 'Starting Soon', obs_scene: 'Starting' }, 201);
  await call('PATCH', `/api/dashboards/${soon.id}`, { position: 0 });
  await call('POST', '/api/dashboards', { name: 'Be Right Back', obs_scene: 'BRB' }, 201);
  await call('POST', '/api/dashboards', { name: 'Ending', obs_scene: 'Outro' }, 201);
  await call('POST', '/api/widgets', { widget_class: 'DeathCounterWidget', name: 'Deaths', dashboard_ids: [ids.main] }, 201);
  const page = await openAdmin({ width: 1920, height: 1080 });
  await page.locator('[data-dashboard-tab]', { hasText: 'Main Stream' }).click();
  await panel(page, 'Deaths').waitFor();
  await feature(page, 'Deaths', 'increment_deaths').getByRole('button', { name: /^Execute/ }).click();
  // Confetti mid-blast in the preview.
  await feature(page, 'Birthday Confetti', 'trigger_blast').getByLabel('Intensity').selectOption('High');
  await feature(page, 'Birthday Confetti', 'trigger_blast').getByRole('button', { name: /^Execute/ }).click();
  const preview = page.frameLocator('iframe[title="Live overlay preview"]');
  await preview.locator(`${el('confetti_burst')}[data-visible="true"]`).waitFor({ state: 'attached', ...LIVE });
  await preview.locator('.element[data-name="death_count"] .counter-value', { hasText: '1' }).waitFor({ state: 'attached', ...LIVE });
  assert.deepEqual(await unlabeled(page), [], 'every input on the dashboard has a label');
  await painted(page);
  await page.screenshot({ path: join(artifactsDir(), 'admin-dashboard-1920x1080.png') });

  const phone = await openAdmin({ width: 390, height: 844 });
  await phone.getByRole('heading', { level: 1, name: 'Main Stream' }).waitFor();
  await panel(phone, 'Birthday Confetti').waitFor();
  // Nothing sticks out sideways on a phone.
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling at 390 px');
  await painted(phone);
  await phone.screenshot({ path: join(artifactsDir(), 'admin-dashboard-390x844.png') });

  // The preview can be hidden and brought back.
  await page.getByRole('button', { name: 'Hide the overlay preview' }).click();
  await page.locator('iframe[title="Live overlay preview"]').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.locator('iframe[title="Live overlay preview"]').waitFor();

  for (const p of [page, phone, admin]) {
    assert.deepEqual(p.logs.filter((l) => l.startsWith('[pageerror]')), [], 'no script errors');
  }
  await page.close();
  await phone.close();
});

test('daemon restart: the page says it is reconnecting, then catches up by itself', { timeout: 60_000 }, async () => {
  const port = daemon.port;
  const sync = admin.locator('[data-status="sync"]');
  await daemon.stop();
  await admin.locator('[data-status="sync"][data-tone="warn"], [data-status="sync"][data-tone="bad"]').waitFor({ state: 'attached', timeout: 15_000 });
  assert.match(await sync.innerText(), /Reconnecting|Offline/);
  daemon = await startDaemon(dir, `127.0.0.1:${port}`);
  await admin.locator('[data-status="sync"][data-tone="ok"]').waitFor({ state: 'attached', timeout: 20_000 });
  // Changed while we were away? Made after the restart, it still shows up without a reload.
  await call('POST', '/api/widgets', { widget_class: 'DeathCounterWidget', name: 'Wipes', dashboard_ids: [ids.main] }, 201);
  await panel(admin, 'Wipes').waitFor(LIVE);
  await panel(admin, 'Birthday Confetti').waitFor();
});

test('a daemon with an admin token: the page asks for it once and remembers it', T, async () => {
  const tokenDir = newWorkDir();
  process.env.STAGEHAND__SERVER__ADMIN_TOKEN = 's3cret-token';
  let guarded;
  try {
    guarded = await startDaemon(tokenDir);
  } finally {
    delete process.env.STAGEHAND__SERVER__ADMIN_TOKEN;
  }
  try {
    assert.equal((await fetch(`${guarded.base}/api/dashboards`)).status, 401);
    const page = await browser.newPage();
    await page.goto(`${guarded.base}/admin/`);
    const prompt = dialog(page);
    await prompt.getByRole('heading', { name: 'Admin token required' }).waitFor();
    await prompt.getByLabel('Admin token').fill('wrong');
    await prompt.getByRole('button', { name: 'Unlock' }).click();
    await prompt.getByText('That token was not accepted').waitFor(LIVE);
    await prompt.getByLabel('Admin token').fill('s3cret-token');
    await prompt.getByRole('button', { name: 'Unlock' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Set up your first dashboard' }).waitFor();
    await page.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', ...LIVE });
    // Remembered: a reload goes straight in.
    await page.reload();
    await page.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
    assert.equal(await dialog(page).count(), 0);
    await page.close();
  } finally {
    await guarded.stop();
    if (!process.env.STAGEHAND_KEEP_TMP) rmSync(tokenDir, { recursive: true, force: true });
  }
});
