// Alert variations as rows: the `variations` widget parameter (one rule a line, first match
// wins) parsed into rules the editor shows, and written back. The grammar is the daemon's:
//   <var> <op> <number>: <look>, <look>, ...
// looks: `duration <s>`, `priority <int>`, `confetti`, `headline "<tpl>"`, `message "<tpl>"`,
// `image <id>|<id>`, `sound <id>|<id>`. A line the editor cannot show as a rule (a `#`
// comment, an unknown look, a typo) stays a raw row with its exact text: never dropped.
// parse(serialize(rows)) deep-equals rows for rows parse made or the editor edited.
import { api, ApiError, errorText } from '../api';

export const OPS = ['>=', '>', '=', '<=', '<'] as const;
export type Op = (typeof OPS)[number];

export const OP_TEXT: Record<Op, string> = { '>=': 'at least', '>': 'more than', '=': 'exactly', '<=': 'at most', '<': 'less than' };

/** Every number a condition may test (aliases included: `amount` works on every alert). */
export const ALL_VARIABLES = ['amount', 'months', 'tier', 'viewers', 'bits', 'count'] as const;

export const MAX_VARIATIONS = 2000;
/** What a queue accepts for one alert (the daemon's check). */
export const MIN_DURATION_S = 0.1;
export const MAX_DURATION_S = 120;

export interface RuleRow {
  kind: 'rule';
  variable: string;
  op: Op;
  value: number | null;
  /** Seconds on screen; null = the widget's duration. */
  duration: number | null;
  priority: number | null;
  confetti: boolean;
  /** '' = the widget's own template. */
  headline: string;
  message: string;
  /** Media ids; several = one picked at random. Empty = the widget's own media. */
  images: number[];
  sounds: number[];
}

export interface RawRow {
  kind: 'raw';
  text: string;
}

export type VariationRow = RuleRow | RawRow;

interface ClassInfo {
  /** The numbers this alert's events carry, for the condition select. */
  variables: string[];
  /** Placeholders its templates can use. */
  placeholders: string[];
  /** Sample event values the preview starts with. */
  sample: Record<string, number>;
  /** Whether its events carry a viewer message. */
  message: boolean;
}

const CLASSES: Record<string, ClassInfo> = {
  FollowerAlertWidget: { variables: [], placeholders: ['user'], sample: {}, message: false },
  SubscriberAlertWidget: { variables: ['months', 'tier', 'count'], placeholders: ['user', 'months', 'tier', 'count', 'message'], sample: { months: 12, tier: 1, count: 5 }, message: true },
  DonationAlertWidget: { variables: ['amount'], placeholders: ['user', 'amount', 'message'], sample: { amount: 25 }, message: true },
  RaidAlertWidget: { variables: ['viewers'], placeholders: ['user', 'viewers'], sample: { viewers: 50 }, message: false },
  CheerAlertWidget: { variables: ['bits'], placeholders: ['user', 'bits', 'message'], sample: { bits: 500 }, message: true },
};

const UNKNOWN_CLASS: ClassInfo = { variables: [...ALL_VARIABLES], placeholders: ['user', ...ALL_VARIABLES, 'message'], sample: {}, message: true };

export function classInfo(widgetClass: string): ClassInfo {
  return CLASSES[widgetClass] ?? UNKNOWN_CLASS;
}

/** The condition variables that make sense for a widget class (none for follows). */
export function variablesFor(widgetClass: string): string[] {
  return classInfo(widgetClass).variables;
}

export const VARIABLE_TEXT: Record<string, string> = {
  amount: 'Amount',
  months: 'Months subscribed',
  tier: 'Sub tier',
  viewers: 'Raiders',
  bits: 'Bits',
  count: 'Gifted subs',
};

/** A sensible first threshold for a new rule on `variable`. */
export function defaultThreshold(variable: string): number {
  return { amount: 100, months: 12, tier: 3, viewers: 100, bits: 1000, count: 10 }[variable] ?? 10;
}

export function newRule(variable: string): RuleRow {
  return { kind: 'rule', variable, op: '>=', value: defaultThreshold(variable), duration: null, priority: null, confetti: false, headline: '', message: '', images: [], sounds: [] };
}

/**
 * A template as the grammar can hold it: no double quotes (they end the value) and no line
 * breaks. `changed` tells the editor to show why a character vanished.
 */
export function cleanTemplate(s: string): { text: string; changed: boolean } {
  const text = s.replace(/["\r\n]/g, '');
  return { text, changed: text !== s };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const CONDITION = /^([A-Za-z_]+)\s*(>=|<=|>|<|=)\s*(\S+)$/;

function num(s: string): number | null {
  if (!NUMBER.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function splitOutsideQuotes(s: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function template(arg: string): string | null {
  let t = arg;
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1);
  if (t.includes('"') || t === '') return null;
  return t;
}

function ids(arg: string): number[] | null {
  const out: number[] = [];
  for (const p of arg.split('|')) {
    const t = p.trim();
    if (!/^\d+$/.test(t) || Number(t) <= 0) return null;
    out.push(Number(t));
  }
  return out.length ? out : null;
}

/** One line as a rule, or null when the editor cannot show it as one. */
export function parseRule(line: string): RuleRow | null {
  const t = line.trim();
  const colon = t.indexOf(':');
  if (colon < 0) return null;
  const c = CONDITION.exec(t.slice(0, colon).trim());
  if (!c) return null;
  const variable = c[1]!.toLowerCase();
  if (!(ALL_VARIABLES as readonly string[]).includes(variable)) return null;
  const value = num(c[3]!);
  if (value === null) return null;
  const r: RuleRow = { ...newRule(variable), op: c[2] as Op, value };
  const seen = new Set<string>();
  for (const raw of splitOutsideQuotes(t.slice(colon + 1))) {
    const part = raw.trim();
    if (!part) continue;
    const sp = part.search(/\s/);
    const key = (sp < 0 ? part : part.slice(0, sp)).toLowerCase();
    const arg = sp < 0 ? '' : part.slice(sp).trim();
    if (seen.has(key)) return null; // the editor has one of each
    seen.add(key);
    switch (key) {
      case 'confetti':
        if (arg) return null;
        r.confetti = true;
        break;
      case 'duration': {
        const n = num(arg);
        if (n === null || n <= 0) return null;
        r.duration = n;
        break;
      }
      case 'priority': {
        if (!/^[+-]?\d+$/.test(arg)) return null;
        r.priority = Number(arg);
        break;
      }
      case 'headline':
      case 'message': {
        const tpl = template(arg);
        if (tpl === null) return null;
        r[key] = tpl;
        break;
      }
      case 'image':
      case 'sound': {
        const list = ids(arg);
        if (!list) return null;
        r[key === 'image' ? 'images' : 'sounds'] = list;
        break;
      }
      default:
        return null;
    }
  }
  return r;
}

/** The parameter's text as rows; blank lines go (they match nothing), the rest stays. */
export function parseVariations(text: string): VariationRow[] {
  const rows: VariationRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    rows.push(parseRule(line) ?? { kind: 'raw', text: line });
  }
  return rows;
}

/** A number as the line writes it (no exponent for everyday values). */
function numText(n: number): string {
  return String(n);
}

export function serializeRule(r: RuleRow): string {
  const looks: string[] = [];
  if (r.images.length) looks.push(`image ${r.images.join('|')}`);
  if (r.sounds.length) looks.push(`sound ${r.sounds.join('|')}`);
  if (r.duration !== null) looks.push(`duration ${numText(r.duration)}`);
  if (r.priority !== null) looks.push(`priority ${Math.trunc(r.priority)}`);
  if (r.confetti) looks.push('confetti');
  const h = cleanTemplate(r.headline).text;
  if (h) looks.push(`headline "${h}"`);
  const m = cleanTemplate(r.message).text;
  if (m) looks.push(`message "${m}"`);
  const cond = `${r.variable} ${r.op} ${r.value === null ? '' : numText(r.value)}`;
  return `${cond}:${looks.length ? ' ' + looks.join(', ') : ''}`;
}

export function serializeRow(r: VariationRow): string {
  return r.kind === 'raw' ? r.text.replace(/[\r\n]+/g, ' ') : serializeRule(r);
}

/** Rows as the parameter's text: one line each, blank raw rows left out. */
export function serializeVariations(rows: readonly VariationRow[]): string {
  return lineMap(rows).lines.join('\n');
}

/**
 * The text's lines and, for each (1-based line number - 1), the row index it came from: the
 * daemon names lines ("line 2: …", `rule: 2`), the editor shows rows.
 */
export function lineMap(rows: readonly VariationRow[]): { lines: string[]; rowOfLine: number[] } {
  const lines: string[] = [];
  const rowOfLine: number[] = [];
  rows.forEach((r, i) => {
    const s = serializeRow(r);
    if (!s.trim()) return;
    lines.push(s);
    rowOfLine.push(i);
  });
  return { lines, rowOfLine };
}

/** How many lines of a `variations` value are rules (not blank, not `#` notes). */
export function ruleCount(text: unknown): number {
  if (typeof text !== 'string') return 0;
  return text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#')).length;
}

/** A problem the editor can see before asking the daemon; null when the row is fine. */
export function ruleProblem(r: VariationRow): string | null {
  if (r.kind === 'raw') return null;
  if (r.value === null || !Number.isFinite(r.value)) return 'Enter a number to compare with.';
  if (r.duration !== null && !(r.duration >= MIN_DURATION_S && r.duration <= MAX_DURATION_S)) return `The duration must be from ${MIN_DURATION_S} to ${MAX_DURATION_S} seconds.`;
  if (r.priority !== null && !Number.isInteger(r.priority)) return 'The priority must be a whole number.';
  return null;
}

/** "line 2: unknown look 'foo'" → line 2 and the rest; null when no line is named. */
export function lineError(message: string): { line: number; text: string } | null {
  const m = /\bline (\d+)\s*[:,-]?\s*(.*)$/is.exec(message);
  if (!m) return null;
  return { line: Number(m[1]), text: m[2] || message };
}

/** A one-line summary of what a rule changes, for a collapsed row. */
export function lookSummary(r: RuleRow, mediaName: (id: number) => string = (id) => `#${id}`): string[] {
  const out: string[] = [];
  if (r.duration !== null) out.push(`${numText(r.duration)} s`);
  if (r.priority !== null) out.push(`priority ${r.priority}`);
  if (r.confetti) out.push('confetti');
  if (r.headline) out.push(`“${r.headline}”`);
  if (r.message) out.push(`message “${r.message}”`);
  if (r.images.length) out.push(r.images.length === 1 ? mediaName(r.images[0]!) : `${r.images.length} images (random)`);
  if (r.sounds.length) out.push(r.sounds.length === 1 ? `♪ ${mediaName(r.sounds[0]!)}` : `${r.sounds.length} sounds (random)`);
  return out;
}

/** The preview's answer (`POST /api/alerts/preview`). */
export interface PreviewMedia {
  id: number;
  name?: string;
  url?: string;
}

export interface PreviewResult {
  feature?: string;
  rule: number | null;
  headline: string;
  message: string;
  duration_ms: number;
  priority: number;
  confetti: boolean;
  image: PreviewMedia | null;
  sound: PreviewMedia | null;
}

/** The preview request's event: the user, the class's numbers, the message. */
export function sampleEvent(widgetClass: string): Record<string, string | number> {
  const c = classInfo(widgetClass);
  const e: Record<string, string | number> = { user: 'PixelQueen', ...c.sample };
  if (c.message) e.message = 'Love the stream!';
  return e;
}

/** The sample as the preview request's `event`: texts as they are, numbers only when they are numbers. */
export function eventBody(sample: Record<string, string | number>): Record<string, string | number> {
  const e: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(sample)) {
    if (k === 'user' || k === 'message') e[k] = String(v);
    else if (v !== '' && Number.isFinite(Number(v))) {
      // Only an amount has cents; months, tiers, viewers, bits and counts are whole.
      e[k] = k === 'amount' ? Number(v) : Math.max(0, Math.round(Number(v)));
    }
  }
  return e;
}

/** Alert widgets with more than one trigger: the preview runs the one picked. */
export const PREVIEW_TRIGGERS: Record<string, { feature: string; label: string; variables: string[] }[]> = {
  SubscriberAlertWidget: [
    { feature: 'trigger_sub', label: 'Sub', variables: ['months', 'tier'] },
    { feature: 'trigger_gift', label: 'Gift', variables: ['count', 'tier'] },
  ],
};

export type PreviewOutcome =
  | { ok: true; result: PreviewResult }
  /** `line`: the 1-based line the daemon refused; `missing`: no preview endpoint in this daemon. */
  | { ok: false; status: number; line: number | null; message: string; missing: boolean };

/** Asks the daemon what `text` does to `event` on widget `widgetId` (nothing is saved). */
export async function fetchPreview(
  widgetId: number,
  text: string,
  event: Record<string, string | number>,
  opts: { feature?: string | null; seed?: number } = {},
): Promise<PreviewOutcome> {
  const body: Record<string, unknown> = { widget_id: widgetId, parameters: { variations: text }, event: eventBody(event) };
  if (opts.feature) body.feature = opts.feature;
  if (opts.seed !== undefined) body.seed = opts.seed;
  try {
    const result = await api<PreviewResult>('POST', '/api/alerts/preview', body);
    return { ok: true, result };
  } catch (e) {
    const status = e instanceof ApiError ? e.status : 0;
    const message = errorText(e);
    const le = status === 422 ? lineError(message) : null;
    return { ok: false, status, line: le?.line ?? null, message: le?.text ?? message, missing: e instanceof ApiError && e.missingEndpoint };
  }
}
