// The live chat for `chat` elements: the lines the server's `chat` frames carry
// (and the snapshot's recent ones), kept in one log every chat box reads, plus
// the pure parts of drawing them: which lines a box shows, emote segments,
// readable name colours. No DOM here.
import { bool, isDict, num, str } from './props';
import type { Dict } from './types';

/** Lines kept (the server keeps as many for snapshots). */
export const HISTORY = 50;

export interface ChatEmote {
  id: string;
  start: number;
  end: number;
}

export interface ChatLine {
  id: string;
  user_id: string;
  login: string;
  name: string;
  color: string | null;
  badges: string[];
  text: string;
  emotes: ChatEmote[];
  command: boolean;
  action: boolean;
  ts: number;
}

export interface ChatBatch {
  lines: ChatLine[];
  deleted: string[];
  cleared_users: string[];
  cleared_all: boolean;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** One wire line; null without an id or text. */
export function parseLine(raw: unknown): ChatLine | null {
  if (!isDict(raw)) return null;
  const id = str(raw.id);
  const text = str(raw.text);
  if (!id || text === undefined) return null;
  const emotes: ChatEmote[] = [];
  if (Array.isArray(raw.emotes)) {
    for (const e of raw.emotes) {
      if (!isDict(e)) continue;
      const eid = str(e.id);
      const start = num(e.start);
      const end = num(e.end);
      if (eid && start !== undefined && end !== undefined && start <= end) emotes.push({ id: eid, start, end });
    }
  }
  const login = str(raw.login) ?? '';
  return {
    id,
    user_id: str(raw.user_id) ?? '',
    login,
    name: str(raw.name) || login,
    color: str(raw.color) ?? null,
    badges: strings(raw.badges),
    text,
    emotes,
    command: raw.command === true,
    action: raw.action === true,
    ts: num(raw.ts) ?? 0,
  };
}

export function parseLines(raw: unknown): ChatLine[] {
  if (!Array.isArray(raw)) return [];
  return raw.map(parseLine).filter((l): l is ChatLine => l !== null);
}

export function parseBatch(raw: Dict): ChatBatch {
  return {
    lines: parseLines(raw.lines),
    deleted: strings(raw.deleted),
    cleared_users: strings(raw.cleared_users),
    cleared_all: raw.cleared_all === true,
  };
}

/** The shared log; chat views subscribe to it. */
export class ChatLog {
  private lines: ChatLine[] = [];
  private readonly listeners = new Set<() => void>();

  get all(): readonly ChatLine[] {
    return this.lines;
  }

  /** A snapshot's lines replace everything (a resync must not duplicate lines). */
  reset(lines: ChatLine[]): void {
    this.lines = lines.slice(-HISTORY);
    this.emit();
  }

  apply(b: ChatBatch): void {
    if (b.cleared_all) this.lines = [];
    if (b.deleted.length || b.cleared_users.length) {
      const gone = new Set(b.deleted);
      const users = new Set(b.cleared_users);
      this.lines = this.lines.filter((l) => !gone.has(l.id) && !users.has(l.user_id));
    }
    const seen = new Set(this.lines.map((l) => l.id));
    for (const l of b.lines) if (!seen.has(l.id)) this.lines.push(l);
    if (this.lines.length > HISTORY) this.lines = this.lines.slice(-HISTORY);
    this.emit();
  }

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private emit(): void {
    for (const f of this.listeners) f();
  }
}

export const chatLog = new ChatLog();

/** What a chat box is set to show (its element's properties). */
export interface ChatBoxConfig {
  maxLines: number;
  fadeAfterS: number;
  hideCommands: boolean;
  hideBots: Set<string>;
  badges: boolean;
  clearedAtMs: number;
}

export function chatConfig(p: Dict): ChatBoxConfig {
  return {
    maxLines: Math.max(1, Math.min(HISTORY, Math.round(num(p.max_lines) ?? 10))),
    fadeAfterS: Math.max(0, num(p.fade_after_s) ?? 0),
    hideCommands: bool(p.hide_commands) ?? true,
    hideBots: new Set(strings(p.hide_bots).map((l) => l.toLowerCase())),
    badges: bool(p.badges) ?? true,
    clearedAtMs: num(p.cleared_at_ms) ?? 0,
  };
}

/** The lines a box shows, oldest first: at most `maxLines`, filters applied. */
export function visibleLines(lines: readonly ChatLine[], c: ChatBoxConfig): ChatLine[] {
  const shown = lines.filter(
    (l) => l.ts > c.clearedAtMs && !(c.hideCommands && l.command) && !c.hideBots.has(l.login.toLowerCase()),
  );
  return shown.slice(-c.maxLines);
}

export type Segment = { text: string } | { text: string; emote: string };

/** The text cut at its emotes (positions count Unicode code points, as Twitch's do). */
export function segments(text: string, emotes: readonly ChatEmote[]): Segment[] {
  const chars = Array.from(text);
  const out: Segment[] = [];
  let at = 0;
  for (const e of [...emotes].sort((a, b) => a.start - b.start)) {
    if (e.start < at || e.end >= chars.length) continue;
    if (e.start > at) out.push({ text: chars.slice(at, e.start).join('') });
    out.push({ text: chars.slice(e.start, e.end + 1).join(''), emote: e.id });
    at = e.end + 1;
  }
  if (at < chars.length) out.push({ text: chars.slice(at).join('') });
  return out;
}

/** Twitch's CDN image of an emote (the text stays as the fallback). */
export function emoteUrl(id: string): string {
  return `https://static-cdn.jtvnw.net/emoticons/v2/${encodeURIComponent(id)}/default/dark/2.0`;
}

/** Twitch's default colours for users who never picked one, by login. */
const DEFAULT_COLORS = ['#FF4A4A', '#4A8BFF', '#2ECC71', '#B65CFF', '#FF7F50', '#9ACD32', '#FF69B4', '#1E90FF', '#DAA520', '#5F9EA0', '#3CB371', '#D2691E', '#8A7BFF', '#00CED1', '#FF8C00'];

/** A name colour readable on a dark box: the user's own, lightened when too dark. */
export function nameColor(login: string, color: string | null): string {
  let hex = color && /^#[0-9a-f]{6}$/i.test(color) ? color : null;
  if (!hex) {
    let h = 0;
    for (const ch of login) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
    hex = DEFAULT_COLORS[h % DEFAULT_COLORS.length] as string;
  }
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const lum = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  if (lum >= 0.35) return hex.toUpperCase();
  // Mix towards white until it reads on the dark background.
  const t = (0.35 - lum) / (1 - lum);
  const mix = (c: number) => Math.round(c + (255 - c) * t).toString(16).padStart(2, '0');
  return `#${mix(r)}${mix(g)}${mix(b)}`.toUpperCase();
}

/** Badge names we draw (as small labelled pills; Twitch's badge images need its API). */
const BADGES: Record<string, string> = {
  broadcaster: 'Streamer',
  moderator: 'Mod',
  vip: 'VIP',
  subscriber: 'Sub',
  founder: 'Founder',
  partner: 'Partner',
  staff: 'Staff',
  turbo: 'Turbo',
  premium: 'Prime',
  'bits-leader': 'Top Bits',
  'sub-gifter': 'Gifter',
  artist: 'Artist',
};

/** `["moderator/1", "subscriber/12"]` → `[{kind: "moderator", label: "Mod"}, …]`, known ones only. */
export function badgeLabels(badges: readonly string[]): { kind: string; label: string }[] {
  const out: { kind: string; label: string }[] = [];
  for (const b of badges) {
    const kind = b.split('/')[0] ?? '';
    const label = BADGES[kind];
    if (label) out.push({ kind, label });
  }
  return out;
}
