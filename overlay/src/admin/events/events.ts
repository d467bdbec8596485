// The Events page's pure logic: the `/api/events` entry type, how each kind reads ("500 bits",
// "gifted 5 subs", "$25.50"), filters and relative times.

export type EventKind =
  | 'follow'
  | 'sub'
  | 'resub'
  | 'gift_sub'
  | 'raid'
  | 'cheer'
  | 'redemption'
  | 'donation'
  | 'hype_train_begin'
  | 'hype_train_progress'
  | 'hype_train_end';

export interface LoggedEvent {
  id: number;
  at_ms: number;
  kind: EventKind;
  user: string;
  login: string;
  amount: number;
  currency: string;
  message: string;
  detail: string;
  source: 'twitch_chat' | 'event_sub' | 'api';
}

/** The filter chips: a label, an icon and the kinds each one asks the API for. */
export const FILTERS = [
  { id: 'all', label: 'All', icon: 'activity', kinds: [] as EventKind[] },
  { id: 'follows', label: 'Follows', icon: 'heart', kinds: ['follow'] as EventKind[] },
  { id: 'subs', label: 'Subs', icon: 'star', kinds: ['sub', 'resub'] as EventKind[] },
  { id: 'gifts', label: 'Gifts', icon: 'gift', kinds: ['gift_sub'] as EventKind[] },
  { id: 'raids', label: 'Raids', icon: 'zap', kinds: ['raid'] as EventKind[] },
  { id: 'cheers', label: 'Cheers', icon: 'gem', kinds: ['cheer'] as EventKind[] },
  { id: 'donations', label: 'Donations', icon: 'coin', kinds: ['donation'] as EventKind[] },
  { id: 'rewards', label: 'Rewards', icon: 'sparkles', kinds: ['redemption'] as EventKind[] },
] as const;

export type FilterId = (typeof FILTERS)[number]['id'];

/** The icon and colour class of a kind's tile. */
export function kindLook(kind: EventKind): { icon: string; tone: string; label: string } {
  switch (kind) {
    case 'follow':
      return { icon: 'heart', tone: 'bg-pink-500/15 text-pink-300', label: 'Follow' };
    case 'sub':
    case 'resub':
      return { icon: 'star', tone: 'bg-accent-600/20 text-accent-300', label: kind === 'sub' ? 'Sub' : 'Resub' };
    case 'gift_sub':
      return { icon: 'gift', tone: 'bg-emerald-500/15 text-emerald-300', label: 'Gift' };
    case 'raid':
      return { icon: 'zap', tone: 'bg-orange-500/15 text-orange-300', label: 'Raid' };
    case 'cheer':
      return { icon: 'gem', tone: 'bg-fuchsia-500/15 text-fuchsia-300', label: 'Cheer' };
    case 'donation':
      return { icon: 'coin', tone: 'bg-yellow-500/15 text-yellow-300', label: 'Donation' };
    case 'redemption':
      return { icon: 'sparkles', tone: 'bg-cyan-500/15 text-cyan-300', label: 'Reward' };
    default:
      return { icon: 'activity', tone: 'bg-ink-800 text-ink-300', label: 'Hype train' };
  }
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : `${n.toLocaleString('en-US')} ${many}`);

/** `$25.50`, `€5`, `12.50 CHF`. */
export function money(amount: number, currency: string): string {
  const n = Number.isInteger(amount) ? String(amount) : amount.toFixed(2);
  const symbol: Record<string, string> = { USD: '$', '': '$', EUR: '€', GBP: '£' };
  const s = symbol[currency.toUpperCase()];
  return s ? `${s}${n}` : `${n} ${currency.toUpperCase()}`;
}

/** What happened, after the name: "cheered 500 bits", "gifted 5 subs". */
export function describe(e: Pick<LoggedEvent, 'kind' | 'amount' | 'currency' | 'detail'>): string {
  const n = Math.floor(e.amount);
  switch (e.kind) {
    case 'follow':
      return 'followed';
    case 'sub':
      return e.detail && e.detail !== '1' ? `subscribed at tier ${e.detail}` : 'subscribed';
    case 'resub':
      return `resubscribed · ${plural(n, '1 month', 'months')}`;
    case 'gift_sub':
      return `gifted ${plural(n, 'a sub', 'subs')}`;
    case 'raid':
      return `raided with ${plural(n, '1 viewer', 'viewers')}`;
    case 'cheer':
      return `cheered ${plural(n, '1 bit', 'bits')}`;
    case 'donation':
      return `donated ${money(e.amount, e.currency)}`;
    case 'redemption':
      return e.detail ? `redeemed ${e.detail}` : 'redeemed a reward';
    case 'hype_train_begin':
      return 'hype train started';
    case 'hype_train_progress':
      return `hype train · level ${n}`;
    case 'hype_train_end':
      return `hype train ended at level ${n}`;
  }
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.floor((nowMs - atMs) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

/** The `/api/events` query for a filter and page. */
export function eventsPath(filter: FilterId, before: number | null, limit: number, format: 'json' | 'csv' = 'json'): string {
  const kinds = FILTERS.find((f) => f.id === filter)?.kinds ?? [];
  const q = new URLSearchParams();
  if (kinds.length) q.set('kind', kinds.join(','));
  if (before !== null) q.set('before', String(before));
  if (format === 'csv') q.set('format', 'csv');
  else q.set('limit', String(limit));
  return `/api/events?${q.toString()}`;
}

export const SOURCES: Record<LoggedEvent['source'], string> = { twitch_chat: 'Twitch chat', event_sub: 'Twitch', api: 'Recorded' };
