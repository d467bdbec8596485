// Pure text helpers: activity feed lines, chat command usage, relative times, list moves.

import { formatNumber, summarizeParams } from './forms';
import type { AuditEntry, AuditSubject, ChatCommand, Dict, FeatureSpec, ParamSpec, Permission } from './types';
import { parseAlertTarget } from './alerts/alerts';

export function relativeTime(atMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - atMs) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

export function clockTime(atMs: number): string {
  const d = new Date(atMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function actorLabel(actor: AuditEntry['actor']): string {
  switch (actor.kind) {
    case 'admin':
      return 'You';
    case 'chat':
      return actor.login ? `@${actor.login}` : 'Chat';
    case 'event':
      return actor.event ? `Event: ${actor.event}` : 'Event';
    case 'obs':
      return 'OBS';
    case 'timer':
      return 'Timer';
    default:
      return String(actor.kind);
  }
}

const ACTION_TEXT: Record<string, string> = {
  create_dashboard: 'Created dashboard',
  update_dashboard: 'Updated dashboard',
  delete_dashboard: 'Deleted dashboard',
  activate_dashboard: 'Went live with',
  create_widget: 'Added widget',
  update_widget: 'Updated widget',
  delete_widget: 'Deleted widget',
  execute: 'Ran',
  patch_element: 'Edited element',
  create_command: 'Created chat command',
  update_command: 'Updated chat command',
  delete_command: 'Deleted chat command',
  create_event_binding: 'Created event binding',
  update_event_binding: 'Updated event binding',
  delete_event_binding: 'Deleted event binding',
  update_settings: 'Changed',
  import: 'Imported',
  play_alert: 'Alert:',
};

/** Actions after which lists and panels may have changed (re-fetch them). */
export const STRUCTURAL_ACTIONS = new Set([
  'create_dashboard',
  'update_dashboard',
  'delete_dashboard',
  'activate_dashboard',
  'create_widget',
  'update_widget',
  'delete_widget',
  'patch_element',
  'create_command',
  'update_command',
  'delete_command',
  'import',
]);

export interface ParsedTarget {
  widgetClass: string | null;
  name: string;
  id: number | null;
  /** Feature or element after the dot, e.g. `trigger_blast`. */
  member: string | null;
}

/**
 * Reads the daemon's audit target text: `ConfettiAlertWidget "Party" (3).trigger_blast`,
 * `dashboard "Main" (1)`, `widget 9`.
 */
export function parseTarget(target: string): ParsedTarget {
  const m = /^(\S+)\s+"((?:[^"\\]|\\.)*)"(?:\s+\((\d+)\))?(?:\.(.+))?$/.exec(target.trim());
  if (m) {
    const kind = m[1] ?? '';
    return {
      widgetClass: kind === 'dashboard' ? null : kind,
      name: m[2] ?? '',
      id: m[3] === undefined ? null : Number(m[3]),
      member: m[4] ?? null,
    };
  }
  const named = /^(\w+)\s+(\S+)\s+\((\d+)\)$/.exec(target.trim());
  if (named) return { widgetClass: null, name: named[2] ?? '', id: Number(named[3]), member: null };
  const bare = /^(\w+)\s+(\d+)(?:\.(.+))?$/.exec(target.trim());
  if (bare) return { widgetClass: null, name: `${bare[1]} ${bare[2]}`, id: Number(bare[2]), member: bare[3] ?? null };
  return { widgetClass: null, name: target, id: null, member: null };
}

export interface FeedLine {
  verb: string;
  subject: string;
  detail: string;
  params: { name: string; value: string; color: string | null }[];
  /** The request was refused or failed: show it as a failure, with `error`. */
  failed: boolean;
  /** The daemon's message, only for failures. */
  error: string | null;
  /** Ran, but the overlay did not show it (its dashboard is on standby). */
  notShown: boolean;
  /** An alert that could not play and was skipped (the queue went on): a warning, not an error. */
  skipped: boolean;
  /** The widget and feature a run fired, from the structured subject (panel flash). */
  widgetId: number | null;
  feature: string | null;
}

const FAIL_TEXT: Record<string, string> = {
  create_dashboard: 'Could not create dashboard',
  update_dashboard: 'Could not update dashboard',
  delete_dashboard: 'Could not delete dashboard',
  activate_dashboard: 'Could not go live with',
  create_widget: 'Could not add widget',
  update_widget: 'Could not update widget',
  delete_widget: 'Could not delete widget',
  execute: 'Could not run',
  patch_element: 'Could not edit element',
  create_command: 'Could not create chat command',
  update_command: 'Could not update chat command',
  delete_command: 'Could not delete chat command',
  create_event_binding: 'Could not create event binding',
  update_event_binding: 'Could not update event binding',
  delete_event_binding: 'Could not delete event binding',
  import: 'Could not import',
  play_alert: 'Alert skipped:',
};

function verbFor(action: string, failed: boolean): string {
  const base = ACTION_TEXT[action] ?? humanize(action);
  if (!failed) return base;
  return FAIL_TEXT[action] ?? `Could not ${base.charAt(0).toLowerCase()}${base.slice(1)}`;
}

/** The subject's own words: names first, ids only when the name is unknown. */
function fromSubject(e: AuditEntry, s: AuditSubject, featureName: (widgetId: number | null, feature: string) => string | null): Pick<FeedLine, 'subject' | 'detail'> {
  const widget = s.widget_name ?? (s.widget_id !== undefined ? `widget ${s.widget_id}` : '');
  if (s.feature && (e.action === 'execute' || s.kind === 'widget')) {
    return { subject: featureName(s.widget_id ?? null, s.feature) ?? humanize(s.feature), detail: widget };
  }
  switch (s.kind) {
    case 'alert': {
      // target: "PixelQueen subscribed (tier 1, 3 months) (queue main)"
      const { label, queue } = parseAlertTarget(e.target);
      return { subject: label, detail: [widget, queue && queue !== 'main' ? `queue ${queue}` : ''].filter(Boolean).join(' · ') };
    }
    case 'element':
      return { subject: s.element ?? 'element', detail: widget };
    case 'command':
      return { subject: s.trigger ?? (s.command_id !== undefined ? `command ${s.command_id}` : 'command'), detail: '' };
    case 'binding':
      return { subject: s.binding_id !== undefined ? `#${s.binding_id}` : 'binding', detail: s.feature ? `${humanize(s.feature)} · ${widget}` : widget };
    case 'dashboard':
      return { subject: s.dashboard_name ?? (s.dashboard_id !== undefined ? `dashboard ${s.dashboard_id}` : 'dashboard'), detail: '' };
    case 'widget':
      return { subject: widget || 'widget', detail: s.widget_class ?? '' };
    default:
      return { subject: e.target, detail: '' };
  }
}

/**
 * One activity-feed line. Rendered from the entry's structured `subject` when the daemon
 * sends one; older daemons' entries fall back to reading the target text.
 * `featureName` maps feature ids to display names when known.
 */
export function describeEntry(e: AuditEntry, featureName: (widgetId: number | null, feature: string) => string | null = () => null): FeedLine {
  const failed = !e.ok;
  const base: FeedLine = {
    verb: verbFor(e.action, failed),
    subject: '',
    detail: '',
    params: e.action === 'execute' ? summarizeParams(e.params) : [],
    failed,
    error: failed ? e.error || 'failed without a message' : null,
    notShown: false,
    skipped: e.action === 'play_alert' && failed,
    widgetId: null,
    feature: null,
  };
  if (e.action === 'alert_queue') {
    const q = alertQueueLine(e.target, failed);
    if (q) return { ...base, ...q };
  }
  if (e.subject && typeof e.subject === 'object') {
    const s = e.subject;
    return {
      ...base,
      ...fromSubject(e, s, featureName),
      notShown: e.ok && e.action === 'execute' && s.live === false,
      widgetId: s.widget_id ?? null,
      feature: s.feature ?? null,
    };
  }
  const t = parseTarget(e.target);
  if (e.action === 'execute' && t.member) {
    return { ...base, subject: featureName(t.id, t.member) ?? humanize(t.member), detail: t.name, widgetId: t.id, feature: t.member };
  }
  if (e.action === 'patch_element' && t.member) {
    return { ...base, subject: t.member, detail: t.name };
  }
  const subject = t.name.replace(/^(command|binding|event binding)\s+/, '');
  return { ...base, subject, detail: t.widgetClass ?? '' };
}

const QUEUE_VERB: Record<string, [string, string]> = {
  Pause: ['Paused', 'Could not pause'],
  Resume: ['Resumed', 'Could not resume'],
  Skip: ['Skipped the alert on', 'Could not skip the alert on'],
  Clear: ['Cleared', 'Could not clear'],
  ReplayLast: ['Replayed the last alert on', 'Could not replay the last alert on'],
  Reorder: ['Reordered', 'Could not reorder'],
};

/** An `alert_queue` entry, from its target "alert queue main: Control(Pause)" / "…: Reorder([3, 1])". */
function alertQueueLine(target: string, failed: boolean): Pick<FeedLine, 'verb' | 'subject' | 'detail'> | null {
  const m = /^alert queue (.+?): (?:Control\((\w+)\)|(Reorder)\(.*\))$/.exec(target.trim());
  if (!m) return null;
  const verbs = QUEUE_VERB[m[2] ?? m[3] ?? ''];
  if (!verbs) return null;
  const queue = m[1]!;
  return { verb: verbs[failed ? 1 : 0], subject: queue === 'main' ? 'the main alert queue' : `alert queue “${queue}”`, detail: '' };
}

export function humanize(id: string): string {
  const s = id.replace(/[_-]+/g, ' ').trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) : id;
}

// ---- chat commands ----

export const PERMISSIONS: { value: Permission; label: string }[] = [
  { value: 'everyone', label: 'Everyone' },
  { value: 'subscriber', label: 'Subscribers' },
  { value: 'vip', label: 'VIPs' },
  { value: 'moderator', label: 'Moderators' },
  { value: 'broadcaster', label: 'Only me' },
];

export function permissionLabel(p: Permission | string): string {
  return PERMISSIONS.find((x) => x.value === p)?.label ?? p;
}

/**
 * A trigger as viewers type it, prefix included (the daemon's `chat::normalize_trigger`):
 * `Boom` -> `!boom`. Commands saved by older builds may lack it; they show the same form.
 */
export function normalizeTrigger(name: string, prefix = '!'): string {
  const n = name.trim().toLowerCase();
  if (!n || !prefix) return n;
  return n.startsWith(prefix.toLowerCase()) ? n : `${prefix}${n}`;
}

/** The chat prefix a command's usage line shows (the daemon's setting), `!` when unknown. */
export function prefixOf(c: Pick<ChatCommand, 'usage'>): string {
  const first = (c.usage ?? '').trim().split(/\s+/)[0] ?? '';
  return /^[^\p{L}\p{N}]*/u.exec(first)?.[0] || '!';
}

/** Longest option list spelled out in a usage line (the daemon's rule). */
const OPTIONS_INLINE = 40;

function describeParam(s: ParamSpec, last: boolean): string {
  const options = s.options ?? [];
  const inline = (sep: string): string | null => {
    const joined = options.join(sep);
    return joined && [...joined].length <= OPTIONS_INLINE ? joined : null;
  };
  switch (s.type) {
    case 'dropdown':
      return inline('|') ?? s.name;
    case 'multiselect': {
      const o = inline(',');
      return o ? `${s.name} ${o}` : s.name;
    }
    case 'number':
    case 'slider': {
      const { min: a, max: b } = s;
      if (a !== undefined && b !== undefined) return a < 0 ? `${s.name} ${formatNumber(a)} to ${formatNumber(b)}` : `${s.name} ${formatNumber(a)}-${formatNumber(b)}`;
      if (a !== undefined) return `${s.name} ${formatNumber(a)}+`;
      if (b !== undefined) return `${s.name} up to ${formatNumber(b)}`;
      return s.name;
    }
    case 'checkbox':
      return `${s.name} yes|no`;
    case 'text':
      return last ? `${s.name}...` : s.name;
    default:
      return s.name;
  }
}

/**
 * The usage line viewers see, spelled like the daemon spells it (`chat::usage`):
 * `!confetti <Low|Medium|High> [color]`. Required in `<>`, optional in `[]`; parameters
 * the command presets are not asked for. Chat arguments fill the rest in order.
 */
export function commandUsage(trigger: string, feature: FeatureSpec | null | undefined, args: Dict = {}): string {
  const t = trigger.trim() || '!command';
  if (!feature) return t;
  const free = feature.parameters.filter((p) => args[p.name] === undefined);
  const parts = free.map((p, i) => {
    const inner = describeParam(p, i === free.length - 1);
    return !p.optional && p.default === undefined ? `<${inner}>` : `[${inner}]`;
  });
  return [t, ...parts].join(' ');
}

/** An example a viewer could type: defaults/presets filled in, first options picked. */
export function commandExample(trigger: string, feature: FeatureSpec | null | undefined, args: Dict = {}): string {
  const t = trigger.trim() || '!command';
  if (!feature) return t;
  const words: string[] = [];
  for (const p of feature.parameters) {
    if (args[p.name] !== undefined || p.optional || p.default !== undefined) break;
    let w: string;
    switch (p.type) {
      case 'dropdown':
      case 'multiselect':
        w = (p.options?.[p.options.length - 1] ?? p.name).toLowerCase();
        break;
      case 'number':
      case 'slider':
        w = String(p.min !== undefined && p.min > 0 ? p.min : 5);
        break;
      case 'color':
        w = 'red';
        break;
      case 'checkbox':
        w = 'on';
        break;
      default:
        w = /\s/.test(p.name) ? `"${p.name}"` : p.name;
    }
    words.push(w);
  }
  return [t, ...words].join(' ');
}

export function cooldownText(c: Pick<ChatCommand, 'cooldown_global_s' | 'cooldown_user_s'>): string {
  const g = c.cooldown_global_s || 0;
  const u = c.cooldown_user_s || 0;
  if (!g && !u) return 'No cooldown';
  const parts: string[] = [];
  if (g) parts.push(`${g}s for everyone`);
  if (u) parts.push(`${u}s per viewer`);
  return parts.join(' · ');
}

/** Splits "!boom, !pop  !bang" into trimmed, de-duplicated aliases. */
export function parseAliases(text: string): string[] {
  const out: string[] = [];
  for (const a of text.split(/[\s,]+/)) {
    const t = a.trim();
    if (t && !out.includes(t.toLowerCase())) out.push(t.toLowerCase());
  }
  return out;
}

/** Moves the item at `from` to index `to` (a new array). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length) return out;
  const [item] = out.splice(from, 1);
  const at = Math.max(0, Math.min(out.length, to));
  out.splice(at, 0, item as T);
  return out;
}
