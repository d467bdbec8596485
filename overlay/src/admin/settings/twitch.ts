// "Log in with Twitch" on the Settings page, its pure parts: what the daemon sends
// (/api/twitch/accounts and the `twitch_accounts` admin frame), what each account state
// reads like to a streamer, the device-code countdown, and Twitch scopes in plain words.

export type TwitchRole = 'broadcaster' | 'bot';
export type AccountState = 'logged_out' | 'pending' | 'logged_in' | 'login_again';

export interface TwitchAccount {
  role: TwitchRole;
  state: AccountState;
  login?: string;
  user_id?: string;
  scopes?: string[];
  expires_at_ms?: number;
  /** pending: the code the streamer checks on Twitch. */
  user_code?: string;
  /** pending: the page to approve on (it already carries the code). */
  verification_uri?: string;
  code_expires_at_ms?: number;
  /** A sentence for people: why the last login did not work. */
  error?: string;
}

export interface EventSubStatus {
  connected: boolean;
  subscriptions: number;
  last_error: string | null;
}

export interface TwitchAccounts {
  client_id_set: boolean;
  broadcaster: TwitchAccount;
  bot: TwitchAccount;
  eventsub: EventSubStatus;
}

export const ROLES: readonly TwitchRole[] = ['broadcaster', 'bot'];

export const ROLE_TEXT: Record<TwitchRole, { title: string; purpose: string }> = {
  broadcaster: { title: 'Broadcaster', purpose: 'Your channel: follows, channel points, subs, cheers, hype trains' },
  bot: { title: 'Chat bot', purpose: 'Optional: a second account that replies in chat; otherwise the broadcaster account replies' },
};

const STATES = new Set<AccountState>(['logged_out', 'pending', 'logged_in', 'login_again']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** One account from the wire, with anything malformed left out (an unknown state reads as logged out). */
export function parseAccount(raw: unknown, role: TwitchRole): TwitchAccount {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const state = STATES.has(r.state as AccountState) ? (r.state as AccountState) : 'logged_out';
  const out: TwitchAccount = { role, state };
  const login = str(r.login);
  if (login) out.login = login;
  const userId = str(r.user_id);
  if (userId) out.user_id = userId;
  if (Array.isArray(r.scopes)) out.scopes = r.scopes.filter((s): s is string => typeof s === 'string');
  const exp = num(r.expires_at_ms);
  if (exp !== undefined) out.expires_at_ms = exp;
  const code = str(r.user_code);
  if (code) out.user_code = code;
  const uri = str(r.verification_uri);
  if (uri) out.verification_uri = uri;
  const codeExp = num(r.code_expires_at_ms);
  if (codeExp !== undefined) out.code_expires_at_ms = codeExp;
  const error = str(r.error);
  if (error) out.error = error;
  return out;
}

/**
 * The GET body or a `twitch_accounts` frame (its fields beside `type` and `seq`, or under
 * `accounts`); null when it is not one.
 */
export function parseAccounts(raw: unknown): TwitchAccounts | null {
  if (!raw || typeof raw !== 'object') return null;
  let r = raw as Record<string, unknown>;
  if (r.accounts && typeof r.accounts === 'object') r = r.accounts as Record<string, unknown>;
  if (typeof r.client_id_set !== 'boolean' && !r.broadcaster && !r.bot) return null;
  const es = (r.eventsub && typeof r.eventsub === 'object' ? r.eventsub : {}) as Record<string, unknown>;
  return {
    client_id_set: r.client_id_set === true,
    broadcaster: parseAccount(r.broadcaster, 'broadcaster'),
    bot: parseAccount(r.bot, 'bot'),
    eventsub: {
      connected: es.connected === true,
      subscriptions: num(es.subscriptions) ?? 0,
      last_error: str(es.last_error) ?? null,
    },
  };
}

export type Tone = 'ok' | 'warn' | 'bad' | 'off';

export interface AccountView {
  tone: Tone;
  /** A short word for the badge. */
  badge: string;
  headline: string;
  /** The main button's action and label; null in `pending` (it has Cancel). */
  primary: { action: 'login'; label: string } | null;
  /** Why the login button is disabled, or ''. */
  disabledReason: string;
  /** Offer "Log out" (a token, or a name, is kept). */
  canLogout: boolean;
}

export const NO_CLIENT_ID = 'Save a Twitch Client ID above first';

/** What a card says and offers for an account. */
export function accountView(a: TwitchAccount, clientIdSet: boolean): AccountView {
  const disabledReason = clientIdSet ? '' : NO_CLIENT_ID;
  switch (a.state) {
    case 'pending':
      return { tone: 'warn', badge: 'Waiting', headline: 'Waiting for you to approve on Twitch…', primary: null, disabledReason: '', canLogout: false };
    case 'logged_in':
      return { tone: 'ok', badge: 'Logged in', headline: `Logged in as ${a.login ?? 'unknown'}`, primary: null, disabledReason: '', canLogout: true };
    case 'login_again':
      return {
        tone: 'bad',
        badge: 'Logged out by Twitch',
        headline: 'Twitch logged stagehand out — log in again',
        primary: { action: 'login', label: 'Log in again' },
        disabledReason,
        canLogout: true,
      };
    default:
      return {
        tone: 'off',
        badge: 'Not logged in',
        headline: a.role === 'bot' ? 'Until then, the broadcaster account replies in chat.' : '',
        primary: { action: 'login', label: 'Log in with Twitch' },
        disabledReason,
        canLogout: false,
      };
  }
}

/** Milliseconds left as `m:ss` (`h:mm:ss` from an hour), never negative. */
export function countdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The sentence under a pending code. */
export function codeExpiryText(codeExpiresAtMs: number | undefined, now: number): string {
  if (codeExpiresAtMs === undefined) return '';
  const left = codeExpiresAtMs - now;
  if (left <= 0) return 'The code has expired: cancel and log in again';
  return `Code expires in ${countdown(left)}`;
}

/** The same, for screen readers, in words and rounded to the minute (read on demand, not every second). */
export function codeExpiryWords(codeExpiresAtMs: number | undefined, now: number): string {
  if (codeExpiresAtMs === undefined) return '';
  const left = codeExpiresAtMs - now;
  if (left <= 0) return 'The code has expired';
  const min = Math.ceil(left / 60_000);
  return `The code expires in ${min === 1 ? 'less than a minute' : `${min} minutes`}`;
}

/** "twitch.tv/activate" for the link's text: the page's host and path, no scheme, no query, no www. */
export function activateLabel(uri: string | undefined): string {
  if (!uri) return 'twitch.tv/activate';
  try {
    const u = new URL(uri);
    const path = u.pathname.replace(/\/+$/, '');
    return `${u.host.replace(/^www\./, '')}${path}`;
  } catch {
    return 'twitch.tv/activate';
  }
}

/** Only http(s) links are opened from the page (never `javascript:`). */
export function safeLink(uri: string | undefined): string | null {
  if (!uri) return null;
  try {
    const u = new URL(uri);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

const SCOPES: Record<string, string> = {
  'moderator:read:followers': 'Follows',
  'channel:read:redemptions': 'Channel points',
  'channel:manage:redemptions': 'Manage channel points',
  'channel:read:subscriptions': 'Subscriptions',
  'bits:read': 'Cheers',
  'channel:read:hype_train': 'Hype trains',
  'channel:read:polls': 'Polls',
  'channel:manage:polls': 'Manage polls',
  'channel:read:predictions': 'Predictions',
  'channel:manage:predictions': 'Manage predictions',
  'channel:read:goals': 'Goals',
  'channel:read:ads': 'Ad breaks',
  'channel:read:charity': 'Charity',
  'channel:read:vips': 'VIPs',
  'channel:moderate': 'Moderate the channel',
  'channel:bot': 'Bot in your channel',
  'moderator:read:chatters': 'Chatters list',
  'moderator:read:shoutouts': 'Shoutouts',
  'moderator:manage:shoutouts': 'Send shoutouts',
  'moderator:manage:announcements': 'Announcements',
  'user:read:chat': 'Read chat',
  'user:write:chat': 'Send chat',
  'user:bot': 'Act as a chat bot',
  'chat:read': 'Read chat (IRC)',
  'chat:edit': 'Send chat (IRC)',
  'whispers:read': 'Read whispers',
};

/** A Twitch scope in plain words; unknown scopes as they are. */
export function scopeLabel(scope: string): string {
  return SCOPES[scope] ?? scope;
}

/** Scopes as tags, named and in a stable order (known ones first, by label). */
export function scopeTags(scopes: readonly string[] | undefined): { scope: string; label: string }[] {
  const list = [...new Set(scopes ?? [])].map((scope) => ({ scope, label: scopeLabel(scope) }));
  return list.sort((a, b) => Number(!(a.scope in SCOPES)) - Number(!(b.scope in SCOPES)) || a.label.localeCompare(b.label));
}

/** The EventSub line (Twitch pushing follows, points, subs… to stagehand), after the word "EventSub". */
export function eventsubLine(a: TwitchAccounts): { tone: Tone; text: string } {
  const es = a.eventsub;
  const subs = `${es.subscriptions} subscription${es.subscriptions === 1 ? '' : 's'}`;
  if (es.connected) return { tone: 'ok', text: `Connected · ${subs}` };
  if (a.broadcaster.state === 'login_again') return { tone: 'bad', text: 'Not connected until the broadcaster logs in again' };
  if (a.broadcaster.state === 'pending') return { tone: 'off', text: 'Not connected: waiting for the broadcaster login' };
  if (a.broadcaster.state === 'logged_out' && !es.last_error) return { tone: 'off', text: 'Not connected: log in as the broadcaster to receive follows, channel points, subs, cheers and hype trains' };
  return { tone: 'bad', text: es.last_error ? `Not connected: ${es.last_error}` : 'Connecting…' };
}

/** The first letter of a login, for the avatar-less chip. */
export function monogram(login: string | undefined): string {
  return (login ?? '?').trim().charAt(0).toUpperCase() || '?';
}
