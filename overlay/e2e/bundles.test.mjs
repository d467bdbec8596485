// Issue 8 item 7 in real Chromium against two real daemons: export the setup from Settings
// (and one dashboard from its menu) and check the downloaded bundles; import into a second
// install: a damaged file dropped on the dialog is explained, the real one's dry-run report
// lists the dashboards, widgets (with elements) and commands before anything is written,
// a name conflict is resolved with "Keep both", and the dashboards appear live; save a
// dashboard as a template (keyboard only) and start a new dashboard from it; delete the
// template. Axe-clean at 1920×1080 and 390×844 for every new dialog.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { api, newWorkDir, startDaemon } from './daemon.mjs';
import { animationsSettled as settled, artifactsDir, axeClean, launchBrowser, painted } from './helpers.mjs';

const T = { timeout: 90_000 };
const LIVE = { timeout: 10_000 };
const WIDE = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

let browser;
let a; // the install the setup comes from
let b; // an almost empty one it moves to
const dirs = [];
const ids = {};

const dialog = (p) => p.locator('dialog[open]');

async function openAdmin(d, hash = '', viewport = WIDE) {
  const p = await browser.newPage();
  await p.setViewportSize(viewport);
  await p.goto(`${d.base}/admin/${hash}`);
  await p.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  return p;
}

/** Axe at both sizes, back at full HD afterwards; nothing may stick out sideways on the phone. */
async function axeBoth(p, what) {
  await axeClean(p, `${what} at 1920×1080`);
  await p.setViewportSize(PHONE);
  await axeClean(p, `${what} at 390×844`);
  const overflow = await p.evaluate(() => {
    const d = document.querySelector('dialog[open]');
    return d ? d.scrollWidth - d.clientWidth : 0;
  });
  assert.ok(overflow <= 1, `${what}: the dialog scrolls sideways at 390 px (${overflow} px)`);
  await p.setViewportSize(WIDE);
}

async function dryRun(d, bytes) {
  const res = await fetch(`${d.base}/api/import?dry_run=true&on_conflict=rename`, { method: 'POST', headers: { 'content-type': 'application/zip' }, body: bytes });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.report;
}

async function dashboardNames(d) {
  return (await api(d.base, 'GET', '/api/dashboards')).map((x) => x.name);
}

before(async () => {
  process.env.STAGEHAND__OBS__ENABLED = 'false';
  for (let i = 0; i < 2; i++) dirs.push(newWorkDir());
  [a, b] = await Promise.all(dirs.map((d) => startDaemon(d)));
  browser = await launchBrowser();
  browser.context.setDefaultTimeout(10_000);

  ids.main = (await api(a.base, 'POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201)).id;
  ids.soon = (await api(a.base, 'POST', '/api/dashboards', { name: 'Starting Soon', obs_scene: null }, 201)).id;
  ids.confetti = (await api(a.base, 'POST', '/api/widgets', { widget_class: 'ConfettiAlertWidget', name: 'Party Confetti', dashboard_ids: [ids.main] }, 201)).id;
  ids.deaths = (await api(a.base, 'POST', '/api/widgets', { widget_class: 'DeathCounterWidget', name: 'Deaths', dashboard_ids: [ids.main, ids.soon] }, 201)).id;
  await api(a.base, 'POST', '/api/commands', { trigger: '!confetti', widget_id: ids.confetti, feature: 'trigger_blast', args: { intensity: 'High' } }, 201);
  // The second install already has a "Main Stream": the import must ask about it.
  await api(b.base, 'POST', '/api/dashboards', { name: 'Main Stream', obs_scene: null }, 201);
});

after(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  if (!process.env.STAGEHAND_KEEP_TMP) for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('Export setup from Settings downloads a dated, valid bundle of everything or of ticked dashboards', T, async () => {
  const page = await openAdmin(a, '#/settings');
  const section = page.locator('[data-section="backup"]');
  await section.getByRole('heading', { name: 'Backup & transfer' }).waitFor();
  await section.getByRole('button', { name: 'Export setup…' }).click();
  const dlg = dialog(page);
  await dlg.getByRole('heading', { name: 'Export setup' }).waitFor();
  assert.match(await dlg.locator('[data-export-filename]').innerText(), /^stagehand-setup-\d{4}-\d{2}-\d{2}\.zip$/);

  // A subset: the list appears, all ticked; untick one and the summary follows.
  await dlg.getByLabel(/Only some dashboards/).check();
  const list = dlg.locator('[data-export-dashboards]');
  await list.waitFor();
  assert.equal(await list.getByRole('checkbox', { checked: true }).count(), 3, 'all + 2 dashboards ticked');
  await list.getByRole('checkbox', { name: /Starting Soon/ }).uncheck();
  assert.match(await dlg.innerText(), /with 1 dashboard and 2 widgets/);
  // "All dashboards" is half-ticked now: a click ticks all, the next one none.
  const all = list.getByRole('checkbox', { name: /All dashboards/ });
  assert.equal(await all.evaluate((el) => el.indeterminate), true);
  await all.click();
  assert.equal(await list.getByRole('checkbox', { checked: true }).count(), 3);
  await all.click();
  assert.equal(await list.getByRole('checkbox', { checked: true }).count(), 0);
  assert.equal(await dlg.locator('[data-export-download]').isDisabled(), true, 'nothing ticked: nothing to download');
  await all.click();
  await page.screenshot({ path: join(artifactsDir(), 'bundles-export.png') });
  await axeBoth(page, 'the Export setup dialog');

  await dlg.getByLabel(/^Everything/).check();
  const [download] = await Promise.all([page.waitForEvent('download'), dlg.locator('[data-export-download]').click()]);
  const name = download.suggestedFilename();
  assert.match(name, /^stagehand-setup-(\d{4}-\d{2}-\d{2})\.zip$/);
  assert.match(name.slice(16, 26), DAY);
  const file = join(dirs[0], 'setup.zip');
  await download.saveAs(file);
  await dlg.waitFor({ state: 'detached' });
  await page.getByText(`Saved ${name}`).waitFor(LIVE);

  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'a zip');
  const report = await dryRun(a, bytes);
  assert.deepEqual(report.dashboards.map((d) => d.name), ['Main Stream', 'Starting Soon']);
  assert.deepEqual(report.widgets.map((w) => w.name).sort(), ['Deaths', 'Party Confetti']);
  assert.ok(report.widgets.every((w) => w.elements > 0), 'widgets carry their elements');
  assert.deepEqual(report.commands.map((c) => c.name), ['!confetti']);
  await page.close();
});

/** Every item of the open menu can be hit where it is drawn (not clipped by its card). */
async function menuOnTop(page) {
  const hidden = await page.evaluate(() =>
    [...document.querySelectorAll('[role=menuitem]')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)?.closest('[role=menuitem]') !== el;
      })
      .map((el) => el.textContent.trim()),
  );
  assert.deepEqual(hidden, [], 'menu items covered or clipped');
}

test('Export dashboard in the dashboard menu downloads just that dashboard', T, async () => {
  const phone = await openAdmin(a, `#/d/${ids.soon}`, PHONE);
  await phone.getByRole('button', { name: 'More for Starting Soon' }).click();
  await phone.getByRole('menuitem', { name: 'Export dashboard' }).waitFor();
  await settled(phone);
  await menuOnTop(phone);
  await phone.screenshot({ path: join(artifactsDir(), 'bundles-dashboard-menu-390.png') });
  await axeClean(phone, 'the dashboard menu at 390×844');
  await phone.close();

  const page = await openAdmin(a, `#/d/${ids.soon}`);
  await page.getByRole('button', { name: 'More for Starting Soon' }).click();
  await page.getByRole('menuitem', { name: 'Export dashboard' }).waitFor();
  await settled(page);
  await menuOnTop(page);
  await page.screenshot({ path: join(artifactsDir(), 'bundles-dashboard-menu.png') });
  await axeClean(page, 'the dashboard menu at 1920×1080');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Export dashboard' }).click()]);
  assert.match(download.suggestedFilename(), /^stagehand-starting-soon-\d{4}-\d{2}-\d{2}\.zip$/);
  const file = join(dirs[0], 'soon.zip');
  await download.saveAs(file);
  const report = await dryRun(a, readFileSync(file));
  assert.deepEqual(report.dashboards.map((d) => d.name), ['Starting Soon']);
  assert.deepEqual(report.widgets.map((w) => w.name), ['Deaths']);
  assert.deepEqual(report.commands, [], 'the command fires a widget that is not on it');
  await page.close();
});

test('Import setup: a damaged file is explained, the dry run lists everything first, Keep both imports under new names, dashboards appear live', T, async () => {
  // Another admin page on the dashboards: it must see the import through the WebSocket.
  const watcher = await openAdmin(b, '');
  await watcher.getByRole('tab', { name: /Main Stream/ }).waitFor();

  const page = await openAdmin(b, '#/settings');
  await page.locator('[data-section="backup"]').getByRole('button', { name: 'Import setup…' }).click();
  const dlg = dialog(page);
  await dlg.locator('[data-drop-zone]').waitFor();
  // Keyboard: the file picker is reachable and its drop zone shows the focus ring.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'import-file');
  assert.equal(await dlg.locator('[data-drop-zone]').evaluate((el) => getComputedStyle(el).outlineStyle), 'solid', 'visible focus on the drop zone');
  await axeBoth(page, 'the Import setup dialog (file picker)');

  // Drag and drop a file that is no zip at all: the daemon refuses it, said plainly.
  const broken = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['this is a shopping list, not a setup'], 'old-setup.zip', { type: 'application/zip' }));
    return dt;
  });
  await dlg.locator('[data-drop-zone]').dispatchEvent('dragover', { dataTransfer: broken });
  await dlg.locator('[data-drop-zone]').dispatchEvent('drop', { dataTransfer: broken });
  const problem = dlg.locator('[data-import-problem]');
  await problem.waitFor(LIVE);
  assert.match(await problem.innerText(), /This is not a stagehand setup file/);
  assert.doesNotMatch(await problem.innerText(), /zip: invalid|Zip archive/i, 'no library wording');
  await axeClean(page, 'the Import setup dialog with a problem');
  await page.setViewportSize(PHONE);
  await settled(page);
  await page.screenshot({ path: join(artifactsDir(), 'bundles-import-problem-390.png') });
  await page.setViewportSize(WIDE);

  // The real file through the file picker: the report, before anything is written.
  await dlg.locator('[data-import-input]').setInputFiles(join(dirs[0], 'setup.zip'));
  const report = dlg.locator('[data-import-report]');
  await report.waitFor(LIVE);
  await dlg.locator('[data-import-dialog][data-phase="report"]').waitFor(LIVE);
  assert.deepEqual(await dashboardNames(b), ['Main Stream'], 'the dry run wrote nothing');

  const dashboards = report.locator('[data-report-section="dashboards"]');
  const conflict = dashboards.locator('[data-report-line="Main Stream"]');
  assert.equal(await conflict.getAttribute('data-tone'), 'renamed', 'Keep both is the default');
  assert.match(await conflict.innerText(), /New as “Main Stream \(2\)”/);
  assert.match(await dashboards.locator('[data-report-line="Starting Soon"]').innerText(), /New/);
  const widgets = report.locator('[data-report-section="widgets"]');
  assert.match(await widgets.locator('[data-report-line="Party Confetti"]').innerText(), /New[\s\S]*with \d+ elements/);
  assert.match(await widgets.locator('[data-report-line="Deaths"]').innerText(), /New/);
  assert.match(await report.locator('[data-report-section="commands"]').innerText(), /!confetti/);
  assert.match(await report.locator('[data-import-headline]').innerText(), /^Imports 2 dashboards, 2 widgets \(\d+ elements\)(,| and) 1 chat command/);
  const conflicts = dlg.locator('[data-conflicts]');
  assert.match(await conflicts.innerText(), /One thing in this setup has the same name as one you already have \(dashboards\)/);
  assert.equal(await conflicts.locator('[data-conflict-choice="rename"]').isChecked(), true);

  // "Keep mine" changes the report (asked of the daemon again), then back to "Keep both".
  await conflicts.getByLabel(/Keep mine/).check();
  await page.waitForFunction(() => document.querySelector('[data-report-line="Main Stream"]')?.getAttribute('data-tone') === 'skip', null, LIVE);
  assert.match(await conflict.innerText(), /Keeps yours/);
  await conflicts.getByLabel(/Keep both/).check();
  await page.waitForFunction(() => document.querySelector('[data-report-line="Main Stream"]')?.getAttribute('data-tone') === 'renamed', null, LIVE);
  await dlg.locator('[data-import-dialog][data-phase="report"]').waitFor(LIVE);
  await settled(page);
  await page.screenshot({ path: join(artifactsDir(), 'bundles-import-report.png') });
  await axeClean(page, 'the import report at 1920×1080');
  await page.setViewportSize(PHONE);
  await axeClean(page, 'the import report at 390×844');
  await page.screenshot({ path: join(artifactsDir(), 'bundles-import-report-390.png') });
  await page.setViewportSize(WIDE);

  await dlg.locator('[data-import-confirm]').click();
  await dlg.locator('[data-import-dialog][data-phase="done"]').waitFor(LIVE);
  assert.match(await dlg.locator('[data-import-headline]').innerText(), /^Imported 2 dashboards/);
  assert.deepEqual(await dashboardNames(b), ['Main Stream', 'Main Stream (2)', 'Starting Soon']);
  await page.screenshot({ path: join(artifactsDir(), 'bundles-import-done.png') });

  // The other admin page got the new tabs without a reload.
  await watcher.getByRole('tab', { name: /Main Stream \(2\)/ }).waitFor(LIVE);
  await watcher.getByRole('tab', { name: /Starting Soon/ }).waitFor(LIVE);
  await watcher.close();

  // "Open Main Stream (2)": its widgets are there.
  await dlg.getByRole('button', { name: 'Open Main Stream (2)' }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.getByRole('heading', { level: 1, name: 'Main Stream (2)' }).waitFor(LIVE);
  await page.getByRole('heading', { level: 3, name: 'Party Confetti', exact: true }).waitFor(LIVE);
  await page.getByRole('heading', { level: 3, name: 'Deaths', exact: true }).waitFor(LIVE);
  const commands = await api(b.base, 'GET', '/api/commands');
  assert.deepEqual(commands.map((c) => c.trigger), ['!confetti']);
  await page.close();
});

test('Save as template (keyboard only), then New dashboard from it: the picker shows what it holds and the widgets come along', T, async () => {
  const dash = (await api(b.base, 'GET', '/api/dashboards')).find((d) => d.name === 'Main Stream (2)');
  const page = await openAdmin(b, `#/d/${dash.id}`);
  await page.getByRole('heading', { level: 3, name: 'Party Confetti', exact: true }).waitFor(LIVE);

  // Keyboard: the menu opens on Enter with its first item focused; Enter picks it.
  await page.getByRole('button', { name: 'More for Main Stream (2)' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('menuitem', { name: 'Save as template…' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Save as template…');
  await page.keyboard.press('Enter');
  const dlg = dialog(page);
  await dlg.getByRole('heading', { name: 'Save as template' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tpl-name', 'the name field has focus');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Game night');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Confetti on !confetti and a death counter');
  await axeBoth(page, 'the Save as template dialog');
  await dlg.locator('#tpl-name').focus();
  await page.keyboard.press('Enter');
  await dlg.waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByText(/Saved template “Game night”/).waitFor(LIVE);
  const [saved] = await api(b.base, 'GET', '/api/templates');
  assert.equal(saved.description, 'Confetti on !confetti and a death counter');

  // New dashboard: the picker lists the template with its contents.
  await page.getByRole('button', { name: 'New dashboard' }).click();
  const picker = dlg.locator('[data-template-picker]');
  await picker.waitFor(LIVE);
  const card = picker.locator('[data-template="Game night"]');
  const text = await card.innerText();
  assert.match(text, /Confetti on !confetti and a death counter/);
  assert.match(text, /Party Confetti/);
  assert.match(text, /Deaths/);
  assert.match(text, /!confetti/);
  await card.getByRole('radio').check();
  assert.equal(await dlg.locator('#db-name').getAttribute('placeholder'), 'Main Stream (2)');
  await dlg.locator('#db-name').fill('Friday Night');
  await settled(page);
  await page.screenshot({ path: join(artifactsDir(), 'bundles-template-picker.png') });
  await axeBoth(page, 'the New dashboard dialog with the template picker');
  // Asking to delete shows a question in place; "Keep it" goes back.
  await card.getByRole('button', { name: 'Delete template Game night' }).click();
  await card.getByRole('button', { name: 'Keep it' }).click();
  await card.getByRole('radio').check();

  await dlg.locator('[data-dashboard-submit]').click();
  await dlg.waitFor({ state: 'detached', timeout: 10_000 });
  await page.getByRole('heading', { level: 1, name: 'Friday Night' }).waitFor(LIVE);
  await page.getByRole('heading', { level: 3, name: /^Party Confetti/ }).waitFor(LIVE);
  await page.getByRole('heading', { level: 3, name: /^Deaths/ }).waitFor(LIVE);
  assert.equal(await page.getByRole('tab', { name: /Friday Night/ }).getAttribute('aria-selected'), 'true');
  const friday = (await api(b.base, 'GET', '/api/dashboards')).find((d) => d.name === 'Friday Night');
  assert.equal(friday.widget_ids.length, 2);

  // Settings lists the template; delete it there (asked first).
  await page.goto(`${b.base}/admin/#/settings`);
  const row = page.locator('[data-template-row="Game night"]');
  await row.waitFor(LIVE);
  assert.match(await row.innerText(), /2 widgets · 1 chat command/);
  await page.locator('[data-section="backup"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifactsDir(), 'bundles-settings.png') });
  await axeClean(page, 'Settings with Backup & transfer');
  await row.getByRole('button', { name: 'Delete template Game night' }).click();
  await row.getByRole('button', { name: 'Delete template', exact: true }).click();
  await page.locator('[data-no-templates]').waitFor(LIVE);
  assert.deepEqual(await api(b.base, 'GET', '/api/templates'), []);
  await page.close();
});
