// Issue 13 item 3 in real Chromium against the real daemon and a fake Twitch (OAuth device
// flow, Helix, EventSub WebSocket and IRC: adapters/twitch's `fake_twitch` example): from an
// empty data dir, save a Client ID on Settings, "Log in with Twitch" as the broadcaster, read
// the code from the page, approve it on the fake, and see "Logged in as streamer"; Twitch
// revoking the token shows "log in again"; "Log out" goes back to logged out. Axe-clean at
// 1920×1080 and 390×844, and no token ever reaches the page.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { control as fakeControl, useFakeTwitchDaemon } from './fake-twitch.mjs';
import { artifactsDir, axeClean, painted } from './helpers.mjs';

const T = { timeout: 240_000 };
const LIVE = { timeout: 30_000 };
const TOKEN_MARKS = ['fake-at-', 'fake-rt-'];
const CLIENT_ID = 'e2eclientid0123456789abcdef';

const t = useFakeTwitchDaemon(
  (fake) => ({
    STAGEHAND__TWITCH__AUTH_URL: fake.auth_url,
    STAGEHAND__TWITCH__API_URL: fake.api_url,
    STAGEHAND__TWITCH__EVENTSUB_URL: fake.eventsub_url,
    STAGEHAND__TWITCH__IRC_ADDR: fake.irc_addr,
  }),
  (ctx) => ctx.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.daemon.base }),
);
const { call } = t;

/** The fake's auth/EventSub control endpoints (`GET /pending`, `POST /approve`, `POST /revoke`). */
const control = (method, path, body) => fakeControl(t.fake.control_url, method, path, body);

/** Every API answer and admin frame the page received, to prove no token reaches it. */
function recordTraffic(page) {
  const seen = [];
  page.on('response', async (r) => {
    if (!new URL(r.url()).pathname.startsWith('/api/')) return;
    const body = await r.text().catch(() => '');
    seen.push({ what: `${r.request().method()} ${new URL(r.url()).pathname}`, body });
  });
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => seen.push({ what: 'ws frame', body: Buffer.isBuffer(f.payload) ? f.payload.toString('latin1') : String(f.payload) }));
  });
  return seen;
}

function assertNoTokens(seen, where) {
  for (const { what, body } of seen) for (const mark of TOKEN_MARKS) assert.ok(!body.includes(mark), `${where}: ${what} carries a ${mark}… token`);
}

async function openSettings(viewport) {
  const p = await t.browser.newPage();
  await p.setViewportSize(viewport);
  const seen = recordTraffic(p);
  await p.goto(`${t.daemon.base}/admin/#/settings`);
  await p.waitForSelector('[data-status="sync"][data-tone="ok"]', { state: 'attached', timeout: 15_000 });
  await p.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
  await p.locator('[data-account="broadcaster"]').waitFor();
  return { page: p, seen };
}



test('log in with Twitch from Settings: client id, device code approved on Twitch, revoked, logged out', T, async () => {
  const { page, seen } = await openSettings({ width: 1920, height: 1080 });
  const section = page.locator('[data-section="twitch"]');
  const broadcaster = page.locator('[data-account="broadcaster"]');
  const loginButton = broadcaster.getByRole('button', { name: 'Log in with Twitch' });

  // No Client ID yet: the login is offered but disabled, and says why.
  assert.equal(await broadcaster.getAttribute('data-account-state'), 'logged_out');
  assert.ok(await loginButton.isDisabled(), 'login disabled without a client id');
  assert.match(await broadcaster.locator('[data-disabled-reason]').innerText(), /Client ID/);
  // (The daemon refuses it too, naming the setting, which is what the card shows if it races.)
  const refused = await call('POST', '/api/twitch/accounts/broadcaster/login', undefined, 422);
  assert.equal(refused.error.field, 'twitch.client_id');
  // The pasted-token fields are still there, folded away.
  const manual = section.locator('[data-manual-token]');
  assert.equal(await manual.evaluate((d) => d.open), false);
  await manual.locator('summary', { hasText: 'Advanced: paste a token instead' }).click();
  await section.getByLabel('Bot OAuth token').waitFor();
  await axeClean(page, 'the Twitch section, logged out');

  await section.getByLabel('Twitch Client ID').fill(CLIENT_ID);
  await section.getByRole('button', { name: 'Save Client ID' }).click();
  await page.waitForFunction(() => !document.querySelector('[data-account="broadcaster"] [data-login-button]')?.disabled, null, LIVE);
  assert.equal((await call('GET', '/api/settings')).settings['twitch.client_id'].value, CLIENT_ID);

  // Log in: the page shows the code the fake Twitch is waiting for.
  await loginButton.click();
  await page.locator('[data-account="broadcaster"][data-account-state="pending"]').waitFor(LIVE);
  const code = await broadcaster.locator('[data-user-code]').getAttribute('data-user-code');
  assert.ok(code, 'a user code is shown');
  assert.equal((await broadcaster.locator('[data-user-code]').innerText()).trim(), code);
  const pending = await control('GET', '/pending');
  assert.ok(pending.some((p) => p.user_code === code), `the fake lists ${code} as pending: ${JSON.stringify(pending)}`);
  const link = broadcaster.locator('[data-activate-link]');
  assert.match(await link.innerText(), /^Open /);
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.match(await link.getAttribute('rel'), /noopener/);
  assert.equal(await link.getAttribute('href'), (await call('GET', '/api/twitch/accounts')).broadcaster.verification_uri);
  await broadcaster.getByRole('status').filter({ hasText: 'Waiting for you to approve on Twitch…' }).waitFor();
  assert.match(await broadcaster.locator('[data-code-expiry]').innerText(), /Code expires in \d+:\d\d/);
  // The link took the focus from the button that went away.
  assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-activate-link')), true);
  await broadcaster.getByRole('button', { name: 'Copy the code' }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
  await axeClean(page, 'the Twitch section, waiting for approval');
  await painted(page);
  await section.screenshot({ path: join(artifactsDir(), 'settings-twitch-pending.png') });

  // A phone on the same admin sees the same code, and follows along from here.
  const phone = await openSettings({ width: 390, height: 844 });
  const phoneCard = phone.page.locator('[data-account="broadcaster"]');
  await phone.page.locator('[data-account="broadcaster"][data-account-state="pending"]').waitFor();
  assert.equal(await phoneCard.locator('[data-user-code]').getAttribute('data-user-code'), code);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 390 px`);
  await axeClean(phone.page, 'the Twitch section at 390 px, waiting for approval');
  await painted(phone.page);
  await phone.page.locator('[data-section="twitch"]').screenshot({ path: join(artifactsDir(), 'settings-twitch-pending-390.png') });

  // Approved on Twitch: the admin WebSocket says so, no reload.
  await control('POST', '/approve', { user_code: code, login: 'streamer', user_id: '1001' });
  await broadcaster.getByText('Logged in as streamer').waitFor(LIVE);
  assert.equal(await broadcaster.getAttribute('data-account-state'), 'logged_in');
  await broadcaster.locator('[data-login="streamer"]').waitFor();
  // One button connects chat: the channel is filled in and chat reading is on.
  const settings = await call('GET', '/api/settings');
  assert.equal(settings.settings['twitch.channel'].value, 'streamer');
  assert.equal(settings.settings['twitch.enabled'].value, true);
  await page.waitForFunction(() => document.querySelector('#set-tw-channel')?.value === 'streamer', null, LIVE);
  await section.locator('[data-eventsub][data-connected="true"]').waitFor(LIVE);
  await broadcaster.locator('[data-scopes] summary').click();
  assert.ok((await broadcaster.locator('[data-scopes] li').count()) > 0, 'the granted scopes are listed');
  await axeClean(page, 'the Twitch section, logged in');
  await painted(page);
  // From the top, or the sticky top bar lands in the middle of the full-page picture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await painted(page);
  await page.screenshot({ path: join(artifactsDir(), 'settings-twitch-1920.png'), fullPage: true });
  await section.screenshot({ path: join(artifactsDir(), 'settings-twitch-logged-in.png') });

  // The same at 390 px, pushed by the admin WebSocket: no sideways scrolling, axe-clean.
  await phoneCard.getByText('Logged in as streamer').waitFor(LIVE);
  await phone.page.waitForFunction(() => document.querySelector('#set-tw-channel')?.value === 'streamer', null, LIVE);
  assert.ok((await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)) <= 0, 'no sideways scrolling at 390 px');
  await axeClean(phone.page, 'the Twitch section at 390 px, logged in');
  await painted(phone.page);
  await phone.page.locator('[data-section="twitch"]').screenshot({ path: join(artifactsDir(), 'settings-twitch-390.png') });

  // Twitch revokes every token: stagehand says to log in again, keeping the name.
  await control('POST', '/revoke');
  await page.locator('[data-account="broadcaster"][data-account-state="login_again"]').waitFor({ timeout: 60_000 });
  await broadcaster.getByText('Twitch logged stagehand out — log in again').waitFor();
  await broadcaster.locator('[data-login="streamer"]').waitFor();
  await broadcaster.getByRole('button', { name: 'Log in again' }).waitFor();
  await phone.page.locator('[data-account="broadcaster"][data-account-state="login_again"]').waitFor(LIVE);
  await axeClean(page, 'the Twitch section, logged out by Twitch');
  await painted(page);
  await section.screenshot({ path: join(artifactsDir(), 'settings-twitch-login-again.png') });
  await painted(phone.page);
  await phone.page.locator('[data-section="twitch"]').screenshot({ path: join(artifactsDir(), 'settings-twitch-login-again-390.png') });

  // Log out (confirmed): back to logged out, the login button has the focus.
  await broadcaster.getByRole('button', { name: 'Log out' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await axeClean(page, 'the log-out confirmation');
  await dialog.getByRole('button', { name: 'Log out' }).click();
  await page.locator('[data-account="broadcaster"][data-account-state="logged_out"]').waitFor(LIVE);
  await broadcaster.getByRole('button', { name: 'Log in with Twitch' }).waitFor();
  assert.equal((await call('GET', '/api/twitch/accounts')).broadcaster.state, 'logged_out');

  // No token ever reached the page or its API.
  for (const path of ['/api/twitch/accounts', '/api/settings', '/api/status']) {
    const body = JSON.stringify(await call('GET', path));
    for (const mark of TOKEN_MARKS) assert.ok(!body.includes(mark), `${path} leaks a ${mark}… token`);
  }
  assertNoTokens(seen, 'the 1920 page');
  assertNoTokens(phone.seen, 'the 390 page');
  assert.ok(seen.some((s) => s.what === 'GET /api/twitch/accounts'), 'the page asked for the accounts');
  await phone.page.close();
  await page.close();
});

test('the chat bot: a login can be cancelled while waiting for approval', T, async () => {
  const { page, seen } = await openSettings({ width: 1920, height: 1080 });
  const bot = page.locator('[data-account="bot"]');
  await bot.getByRole('button', { name: 'Log in with Twitch' }).click();
  await page.locator('[data-account="bot"][data-account-state="pending"]').waitFor(LIVE);
  assert.match(await bot.locator('[data-user-code]').getAttribute('data-user-code'), /\S/);
  assert.match(await bot.innerText(), /bot account/);
  await bot.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('[data-account="bot"][data-account-state="logged_out"]').waitFor(LIVE);
  assert.equal((await call('GET', '/api/twitch/accounts')).bot.state, 'logged_out');
  assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-login-button')), true);
  assertNoTokens(seen, 'the page');
  await page.close();
});
