import { describe, expect, it } from 'vitest';
import {
  NO_CLIENT_ID,
  accountView,
  activateLabel,
  codeExpiryText,
  codeExpiryWords,
  countdown,
  eventsubLine,
  monogram,
  parseAccounts,
  safeLink,
  scopeLabel,
  scopeTags,
  type TwitchAccounts,
} from './twitch';

const body = {
  client_id_set: true,
  broadcaster: { role: 'broadcaster', state: 'logged_in', login: 'streamer', user_id: '1001', scopes: ['bits:read', 'moderator:read:followers'], expires_at_ms: 1 },
  bot: { role: 'bot', state: 'pending', user_code: 'ABCD-EFGH', verification_uri: 'https://www.twitch.tv/activate?public=true&device-code=ABCD-EFGH', code_expires_at_ms: 5000 },
  eventsub: { connected: true, subscriptions: 9, last_error: null },
};

describe('parseAccounts', () => {
  it('reads the GET body', () => {
    const a = parseAccounts(body)!;
    expect(a.client_id_set).toBe(true);
    expect(a.broadcaster).toMatchObject({ role: 'broadcaster', state: 'logged_in', login: 'streamer', scopes: ['bits:read', 'moderator:read:followers'] });
    expect(a.bot).toMatchObject({ state: 'pending', user_code: 'ABCD-EFGH', code_expires_at_ms: 5000 });
    expect(a.eventsub).toEqual({ connected: true, subscriptions: 9, last_error: null });
  });

  it('reads a twitch_accounts frame (fields beside type and seq, or under accounts)', () => {
    expect(parseAccounts({ type: 'twitch_accounts', seq: 4, ...body })?.bot.user_code).toBe('ABCD-EFGH');
    expect(parseAccounts({ type: 'twitch_accounts', accounts: body })?.broadcaster.login).toBe('streamer');
  });

  it('treats anything malformed as logged out and ignores non-accounts', () => {
    const a = parseAccounts({ client_id_set: false, broadcaster: { state: 'weird', login: 3 }, bot: null })!;
    expect(a.broadcaster).toEqual({ role: 'broadcaster', state: 'logged_out' });
    expect(a.bot).toEqual({ role: 'bot', state: 'logged_out' });
    expect(a.eventsub).toEqual({ connected: false, subscriptions: 0, last_error: null });
    expect(parseAccounts({ type: 'twitch_accounts' })).toBeNull();
    expect(parseAccounts(null)).toBeNull();
  });
});

describe('accountView', () => {
  it('offers the login, disabled with a reason without a client id', () => {
    const v = accountView({ role: 'broadcaster', state: 'logged_out' }, false);
    expect(v.primary).toEqual({ action: 'login', label: 'Log in with Twitch' });
    expect(v.disabledReason).toBe(NO_CLIENT_ID);
    expect(v.canLogout).toBe(false);
    expect(accountView({ role: 'broadcaster', state: 'logged_out' }, true).disabledReason).toBe('');
    expect(accountView({ role: 'bot', state: 'logged_out' }, true).headline).toMatch(/broadcaster account replies/);
    expect(accountView({ role: 'broadcaster', state: 'logged_out' }, true).headline).toBe('');
  });

  it('waits while pending, shows the login when logged in', () => {
    const p = accountView({ role: 'bot', state: 'pending', user_code: 'X' }, true);
    expect(p.primary).toBeNull();
    expect(p.headline).toBe('Waiting for you to approve on Twitch…');
    const l = accountView({ role: 'broadcaster', state: 'logged_in', login: 'streamer' }, true);
    expect(l.headline).toBe('Logged in as streamer');
    expect(l.tone).toBe('ok');
    expect(l.canLogout).toBe(true);
  });

  it('asks to log in again when Twitch revoked the token, and still allows logging out', () => {
    const v = accountView({ role: 'broadcaster', state: 'login_again', login: 'streamer' }, true);
    expect(v.headline).toBe('Twitch logged stagehand out — log in again');
    expect(v.primary?.label).toBe('Log in again');
    expect(v.tone).toBe('bad');
    expect(v.canLogout).toBe(true);
  });
});

describe('countdown', () => {
  it('formats m:ss and h:mm:ss, rounding up, never negative', () => {
    expect(countdown(0)).toBe('0:00');
    expect(countdown(-5000)).toBe('0:00');
    expect(countdown(1)).toBe('0:01');
    expect(countdown(59_001)).toBe('1:00');
    expect(countdown(30 * 60_000)).toBe('30:00');
    expect(countdown(3_600_000 + 65_000)).toBe('1:01:05');
  });

  it('says when the code expires, and when it has', () => {
    expect(codeExpiryText(1_000 + 90_000, 1_000)).toBe('Code expires in 1:30');
    expect(codeExpiryText(1_000, 2_000)).toMatch(/expired/);
    expect(codeExpiryText(undefined, 0)).toBe('');
    expect(codeExpiryWords(30_000, 0)).toBe('The code expires in less than a minute');
    expect(codeExpiryWords(29 * 60_000 + 1, 0)).toBe('The code expires in 30 minutes');
    expect(codeExpiryWords(0, 1)).toBe('The code has expired');
  });
});

describe('links', () => {
  it('names the activation page without scheme, query or www', () => {
    expect(activateLabel('https://www.twitch.tv/activate?public=true&device-code=ABCD')).toBe('twitch.tv/activate');
    expect(activateLabel('http://127.0.0.1:4567/activate/')).toBe('127.0.0.1:4567/activate');
    expect(activateLabel(undefined)).toBe('twitch.tv/activate');
    expect(activateLabel('not a url')).toBe('twitch.tv/activate');
  });

  it('opens only http(s) links', () => {
    expect(safeLink('https://www.twitch.tv/activate?device-code=A')).toBe('https://www.twitch.tv/activate?device-code=A');
    expect(safeLink('javascript:alert(1)')).toBeNull();
    expect(safeLink('')).toBeNull();
  });
});

describe('scopes', () => {
  it('names known scopes and keeps unknown ones as they are, known first', () => {
    expect(scopeLabel('channel:read:redemptions')).toBe('Channel points');
    expect(scopeLabel('brand:new:scope')).toBe('brand:new:scope');
    expect(scopeTags(['zzz:unknown', 'moderator:read:followers', 'bits:read', 'bits:read']).map((t) => t.label)).toEqual(['Cheers', 'Follows', 'zzz:unknown']);
    expect(scopeTags(undefined)).toEqual([]);
  });
});

describe('eventsubLine', () => {
  const base = parseAccounts(body) as TwitchAccounts;
  it('counts subscriptions when connected', () => {
    expect(eventsubLine(base)).toEqual({ tone: 'ok', text: 'Connected · 9 subscriptions' });
    expect(eventsubLine({ ...base, eventsub: { connected: true, subscriptions: 1, last_error: null } }).text).toMatch(/1 subscription$/);
  });

  it('says why it is not connected', () => {
    expect(eventsubLine({ ...base, eventsub: { connected: false, subscriptions: 0, last_error: 'Twitch refused the session' } })).toEqual({
      tone: 'bad',
      text: 'Not connected: Twitch refused the session',
    });
    const out = { ...base, broadcaster: { role: 'broadcaster' as const, state: 'logged_out' as const }, eventsub: { connected: false, subscriptions: 0, last_error: null } };
    expect(eventsubLine(out).tone).toBe('off');
    expect(eventsubLine(out).text).toMatch(/log in as the broadcaster/);
    expect(eventsubLine({ ...base, eventsub: { connected: false, subscriptions: 0, last_error: null } })).toEqual({ tone: 'bad', text: 'Connecting…' });
    const down = { connected: false, subscriptions: 0, last_error: 'session closed' };
    expect(eventsubLine({ ...base, broadcaster: { role: 'broadcaster', state: 'login_again', login: 'streamer' }, eventsub: down }).text).toBe('Not connected until the broadcaster logs in again');
    expect(eventsubLine({ ...base, broadcaster: { role: 'broadcaster', state: 'pending' }, eventsub: { ...down, last_error: null } }).text).toMatch(/waiting for the broadcaster login/);
  });
});

it('monogram is the first letter of the login', () => {
  expect(monogram('streamer')).toBe('S');
  expect(monogram(undefined)).toBe('?');
});
